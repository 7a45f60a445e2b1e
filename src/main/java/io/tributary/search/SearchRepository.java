package io.tributary.search;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The catalog search queries over {@code search_documents} (maintained by the triggers of migration V11): keywords,
 * and the vectors of {@code search_embeddings} (V18) for semantic matches.
 */
final class SearchRepository {

  /** Full-text candidates ranked per query: a common word stops after this many visible matches. */
  static final int TEXT_CANDIDATES = 1000;
  /** Name candidates nearest the query by trigram word distance (typos, prefixes). */
  static final int NAME_CANDIDATES = 50;
  /** Below this word similarity a name-only candidate is not a match. */
  static final double MIN_SIMILARITY = 0.5;

  /** What is shared with the caller ($1): the items of collections shared with them, and those collections. */
  private static final String SHARED = "shared AS (SELECT ci.item_id AS id FROM collection_shares cs "
    + "JOIN collection_items ci ON ci.collection_id = cs.collection_id WHERE cs.user_id = $1 "
    + "UNION SELECT cs.collection_id FROM collection_shares cs WHERE cs.user_id = $1)";
  /** A document the caller ($1) can see: their own, or shared with them (a dataset's columns go with it). */
  private static final String VISIBLE = "(s.owner_id = $1 OR s.id IN (SELECT id FROM shared))";

  /** The columns a candidate carries, so the ranking needs no second visit to the table. */
  private static final String CANDIDATE = "s.kind, s.id, s.ordinal, s.name, s.parent, s.detail, s.owner_id, s.tsv";

  /**
   * Two bounded candidate sets of what the caller can see: full-text matches of {@code websearch_to_tsquery} (GIN),
   * at most {@value #TEXT_CANDIDATES}, and the {@value #NAME_CANDIDATES} names nearest the query by trigram word
   * distance (GiST, in index order). The union is ranked by {@code ts_rank_cd} over the weighted vector plus the
   * name's {@code word_similarity}, from the candidates' own columns.
   */
  static final String SEARCH = "WITH q AS (SELECT websearch_to_tsquery('english', $2) AS tsq), " + SHARED + ", "
    + "text AS (SELECT " + CANDIDATE + " FROM search_documents s, q WHERE s.tsv @@ q.tsq "
    + "AND ($3::text IS NULL OR s.kind = $3) AND " + VISIBLE + " LIMIT " + TEXT_CANDIDATES + "), "
    + "names AS (SELECT " + CANDIDATE + " FROM search_documents s "
    + "WHERE ($3::text IS NULL OR s.kind = $3) AND " + VISIBLE + " "
    + "ORDER BY s.name <->> $2 LIMIT " + NAME_CANDIDATES + "), "
    + "candidates AS (SELECT * FROM text UNION ALL SELECT * FROM names n "
    + "WHERE (n.kind, n.id, n.ordinal) NOT IN (SELECT kind, id, ordinal FROM text)) "
    + "SELECT c.kind, c.id, c.ordinal, c.name, c.parent, c.detail, c.owner_id = $1 AS own, "
    + "ts_rank_cd(c.tsv, q.tsq) AS rank, word_similarity($2, c.name) AS similarity "
    + "FROM candidates c, q WHERE c.tsv @@ q.tsq OR word_similarity($2, c.name) >= " + MIN_SIMILARITY + " "
    + "ORDER BY ts_rank_cd(c.tsv, q.tsq) + word_similarity($2, c.name) DESC, c.name, c.id, c.ordinal LIMIT $4";

  /**
   * The vectors of the model ($3) of at most $4 documents the caller ($1) can see, of one kind ($2) or all. A vector
   * of an older text of the document serves until the new one is stored.
   */
  static final String SEMANTIC = "WITH " + SHARED + " "
    + "SELECT s.kind, s.id, s.ordinal, s.name, s.parent, s.detail, s.owner_id = $1 AS own, e.vector "
    + "FROM search_documents s JOIN search_embeddings e "
    + "ON e.kind = s.kind AND e.id = s.id AND e.ordinal = s.ordinal AND e.model = $3 "
    + "WHERE ($2::text IS NULL OR s.kind = $2) AND " + VISIBLE + " LIMIT $4";

  /** A document of the semantic path and its similarity to the query. */
  private record Scored(Row row, double similarity) {
  }

  private final Vertx vertx;
  private final Pool pool;

  SearchRepository(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  Future<JsonArray> search(UUID userId, String q, String kind, int limit) {
    return pool.preparedQuery(SEARCH).execute(Tuple.of(userId, q, kind, limit)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(toJson(r).put("score", round(r.getDouble("rank") + r.getDouble("similarity")))));
      return out;
    });
  }

  /**
   * The caller's documents nearest {@code query} by cosine similarity, at least {@code minSimilarity}, best first;
   * at most {@code scan} vectors are compared (on a worker thread).
   */
  Future<JsonArray> semantic(UUID userId, String kind, String model, float[] query, double minSimilarity, int scan,
                             int limit) {
    return pool.preparedQuery(SEMANTIC).execute(Tuple.of(userId, kind, model, scan))
      .compose(rows -> vertx.executeBlocking(() -> {
        List<Scored> hits = new ArrayList<>();
        for (Row r : rows) {
          double similarity = Vectors.cosine(r.getBuffer("vector"), query);
          if (similarity >= minSimilarity) {
            hits.add(new Scored(r, similarity));
          }
        }
        hits.sort(Comparator.comparingDouble(Scored::similarity).reversed());
        JsonArray out = new JsonArray();
        hits.stream().limit(limit).forEach(h -> out.add(toJson(h.row()).put("similarity", round(h.similarity()))));
        return out;
      }, false));
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  private static JsonObject toJson(Row r) {
    String kind = r.getString("kind");
    JsonObject item = new JsonObject().put("type", kind).put("name", r.getString("name")).put("shared", !r.getBoolean("own"));
    if ("column".equals(kind)) {
      return item.put("dataset_id", r.getUUID("id").toString()).put("dataset_name", r.getString("parent"))
        .put("column_type", r.getString("detail")).put("position", r.getInteger("ordinal"));
    }
    return item.put("id", r.getUUID("id").toString());
  }
}
