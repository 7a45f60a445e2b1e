package io.tributary.search;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** The catalog search query over {@code search_documents} (maintained by the triggers of migration V11). */
final class SearchRepository {

  /** Full-text candidates ranked per query: a common word stops after this many visible matches. */
  static final int TEXT_CANDIDATES = 1000;
  /** Name candidates nearest the query by trigram word distance (typos, prefixes). */
  static final int NAME_CANDIDATES = 50;
  /** Below this word similarity a name-only candidate is not a match. */
  static final double MIN_SIMILARITY = 0.5;

  /**
   * Two bounded candidate sets of what the caller can see (own, or through a collection shared with them; a
   * dataset's columns go with it): full-text matches of {@code websearch_to_tsquery} (GIN), at most
   * {@value #TEXT_CANDIDATES}, and the {@value #NAME_CANDIDATES} names nearest the query by trigram word distance
   * (GiST, in index order). The union is ranked by {@code ts_rank_cd} over the weighted vector plus the name's
   * {@code word_similarity}.
   */
  static final String SEARCH = "WITH q AS (SELECT websearch_to_tsquery('english', $2) AS tsq), "
    + "shared AS (SELECT ci.item_id AS id FROM collection_shares cs JOIN collection_items ci "
    + "ON ci.collection_id = cs.collection_id WHERE cs.user_id = $1 "
    + "UNION SELECT cs.collection_id FROM collection_shares cs WHERE cs.user_id = $1), "
    + "text AS (SELECT s.kind, s.id, s.ordinal FROM search_documents s, q WHERE s.tsv @@ q.tsq "
    + "AND ($3::text IS NULL OR s.kind = $3) AND (s.owner_id = $1 OR s.id IN (SELECT id FROM shared)) "
    + "LIMIT " + TEXT_CANDIDATES + "), "
    + "names AS (SELECT s.kind, s.id, s.ordinal FROM search_documents s "
    + "WHERE ($3::text IS NULL OR s.kind = $3) AND (s.owner_id = $1 OR s.id IN (SELECT id FROM shared)) "
    + "ORDER BY s.name <->> $2 LIMIT " + NAME_CANDIDATES + "), "
    + "candidates AS (SELECT * FROM text UNION SELECT * FROM names) "
    + "SELECT s.kind, s.id, s.ordinal, s.name, s.parent, s.detail, s.owner_id = $1 AS own, "
    + "ts_rank_cd(s.tsv, q.tsq) AS rank, word_similarity($2, s.name) AS similarity "
    + "FROM candidates c JOIN search_documents s USING (kind, id, ordinal), q "
    + "WHERE s.tsv @@ q.tsq OR word_similarity($2, s.name) >= " + MIN_SIMILARITY + " "
    + "ORDER BY ts_rank_cd(s.tsv, q.tsq) + word_similarity($2, s.name) DESC, s.name, s.id, s.ordinal LIMIT $4";

  private final Pool pool;

  SearchRepository(Pool pool) {
    this.pool = pool;
  }

  Future<JsonArray> search(UUID userId, String q, String kind, int limit) {
    return pool.preparedQuery(SEARCH).execute(Tuple.of(userId, q, kind, limit)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(toJson(r)));
      return out;
    });
  }

  private static JsonObject toJson(Row r) {
    String kind = r.getString("kind");
    double score = Math.round((r.getDouble("rank") + r.getDouble("similarity")) * 10_000) / 10_000.0;
    JsonObject item = new JsonObject().put("type", kind).put("name", r.getString("name")).put("score", score)
      .put("shared", !r.getBoolean("own"));
    if ("column".equals(kind)) {
      return item.put("dataset_id", r.getUUID("id").toString()).put("dataset_name", r.getString("parent"))
        .put("column_type", r.getString("detail")).put("position", r.getInteger("ordinal"));
    }
    return item.put("id", r.getUUID("id").toString());
  }
}
