package io.tributary.search;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** The embedding queue: search documents whose text has no vector of the configured model yet (migration V18). */
final class EmbeddingStore {

  /** A document to embed: its key, its text and the hash of that text. */
  record Pending(String kind, java.util.UUID id, int ordinal, String content, String hash) {
  }

  /** Documents re-indexed with a text that already has a vector of the model: nothing to send. */
  static final String ADOPT = "UPDATE search_documents s SET embedded = true FROM search_embeddings e "
    + "WHERE NOT s.embedded AND e.kind = s.kind AND e.id = s.id AND e.ordinal = s.ordinal AND e.model = $1 "
    + "AND e.content_hash = s.content_hash";
  /** At start: documents marked embedded whose vector is of another model or text (the model was changed). */
  static final String RESET = "UPDATE search_documents s SET embedded = false WHERE embedded AND NOT EXISTS "
    + "(SELECT 1 FROM search_embeddings e WHERE e.kind = s.kind AND e.id = s.id AND e.ordinal = s.ordinal "
    + "AND e.model = $1 AND e.content_hash = s.content_hash)";
  static final String PENDING = "SELECT kind, id, ordinal, content, content_hash FROM search_documents "
    + "WHERE NOT embedded ORDER BY kind, id, ordinal LIMIT $1";
  static final String SAVE = "INSERT INTO search_embeddings (kind, id, ordinal, model, content_hash, vector) "
    + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, id, ordinal, model) DO UPDATE "
    + "SET content_hash = EXCLUDED.content_hash, vector = EXCLUDED.vector, updated_at = now()";
  /** Only if the text is still the one embedded: a change in the meantime re-inserted the row unembedded. */
  static final String MARK = "UPDATE search_documents SET embedded = true "
    + "WHERE kind = $1 AND id = $2 AND ordinal = $3 AND content_hash = $4";
  /** Vectors of documents that no longer exist, or of another model. */
  static final String PRUNE = "DELETE FROM search_embeddings e WHERE e.model <> $1 OR NOT EXISTS "
    + "(SELECT 1 FROM search_documents s WHERE s.kind = e.kind AND s.id = e.id AND s.ordinal = e.ordinal)";

  private final Pool pool;
  private final String model;

  EmbeddingStore(Pool pool, String model) {
    this.pool = pool;
    this.model = model;
  }

  Future<Integer> reset() {
    return pool.preparedQuery(RESET).execute(Tuple.of(model)).map(r -> r.rowCount());
  }

  /** Marks what already has a vector, then answers up to {@code max} documents still to embed. */
  Future<List<Pending>> pending(int max) {
    return pool.preparedQuery(ADOPT).execute(Tuple.of(model))
      .compose(v -> pool.preparedQuery(PENDING).execute(Tuple.of(max)))
      .map(rows -> {
        List<Pending> out = new ArrayList<>();
        for (Row r : rows) {
          out.add(new Pending(r.getString("kind"), r.getUUID("id"), r.getInteger("ordinal"), r.getString("content"),
            r.getString("content_hash")));
        }
        return out;
      });
  }

  /** Stores the vectors of {@code docs} (same order) and marks the documents whose text is unchanged. */
  Future<Void> save(List<Pending> docs, float[][] vectors) {
    List<Tuple> saves = new ArrayList<>();
    List<Tuple> marks = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      Pending d = docs.get(i);
      saves.add(Tuple.of(d.kind(), d.id(), d.ordinal(), model, d.hash(), Vectors.encode(vectors[i])));
      marks.add(Tuple.of(d.kind(), d.id(), d.ordinal(), d.hash()));
    }
    return pool.withTransaction(conn -> conn.preparedQuery(SAVE).executeBatch(saves)
      .compose(v -> conn.preparedQuery(MARK).executeBatch(marks))).mapEmpty();
  }

  Future<Integer> prune() {
    return pool.preparedQuery(PRUNE).execute(Tuple.of(model)).map(r -> r.rowCount());
  }
}
