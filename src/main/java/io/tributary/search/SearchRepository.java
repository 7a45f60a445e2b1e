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
 * The catalog search queries over {@code search_documents} (maintained by the triggers of migration V11) and its
 * distinct names {@code search_names} (V20): keywords, and the vectors of {@code search_embeddings} (V18) for
 * semantic matches.
 */
final class SearchRepository {

  /** Full-text candidates ranked per query: a common word stops after this many visible matches. */
  static final int TEXT_CANDIDATES = 200;
  /** Distinct names nearest the query by trigram word distance (typos, prefixes) that the caller has. */
  static final int NAME_CANDIDATES = 50;
  /** Distinct names of all users looked at, nearest first, to find those {@value #NAME_CANDIDATES}. */
  static final int NAME_SCAN = 500;
  /** Below this word similarity a name-only candidate is not a match. */
  static final double MIN_SIMILARITY = 0.5;

  /** What is shared with the caller ($1): the items of collections shared with them, and those collections. */
  static final String SHARED = "shared AS (SELECT ci.item_id AS id FROM collection_shares cs "
    + "JOIN collection_items ci ON ci.collection_id = cs.collection_id WHERE cs.user_id = $1 "
    + "UNION SELECT cs.collection_id FROM collection_shares cs WHERE cs.user_id = $1)";
  /** A document the caller ($1) can see: their own, or shared with them (a dataset's columns go with it). */
  private static final String VISIBLE = "(s.owner_id = $1 OR s.id IN (SELECT id FROM shared))";
  private static final String OF_KIND = "($3::text IS NULL OR s.kind = $3)";

  /** The columns a candidate carries, so the ranking needs no second visit to the table. */
  private static final String CANDIDATE = "s.kind, s.id, s.ordinal, s.name, s.parent, s.detail, s.owner_id, s.tsv";

  /**
   * The first $4 documents, by id and position, of the near name {@code n} that the caller ($1) owns or that are
   * shared with them: each side through an index.
   */
  private static final String OF_NAME = "(SELECT s.kind, s.id, s.ordinal FROM search_documents s WHERE s.name = n.name "
    + "AND s.owner_id = $1 AND " + OF_KIND + " ORDER BY s.id, s.ordinal LIMIT $4) UNION ALL "
    + "(SELECT s.kind, s.id, s.ordinal FROM shared sh JOIN search_documents s ON s.id = sh.id WHERE s.name = n.name "
    + "AND s.owner_id <> $1 AND " + OF_KIND + " ORDER BY s.id, s.ordinal LIMIT $4)";

  /**
   * Two bounded candidate sets of what the caller can see. Full-text matches of {@code websearch_to_tsquery} (GIN
   * for a rare word, a scan that stops early for a common one: the tsquery is a constant the planner estimates), at
   * most {@value #TEXT_CANDIDATES}. And names: the {@value #NAME_CANDIDATES} distinct names nearest the query by
   * trigram word distance ({@code search_names} of all users, GiST, in index order, at most {@value #NAME_SCAN}
   * looked at) of at least {@value #MIN_SIMILARITY} word similarity that name a document the caller can see, and of
   * their visible documents the $4 first by similarity, name, id and position: a document that matches by its name
   * only scores its name's similarity, so no other can rank above them, and the documents whose names are nearest
   * the query (the best ranked) are candidates however many full-text matches there are. The union is ranked by
   * {@code ts_rank_cd} over the weighted vector plus the name's {@code word_similarity}, each computed once per
   * candidate (materialized: else the final filter is pushed down and computes them again).
   */
  static final String SEARCH = "WITH q AS (SELECT websearch_to_tsquery('english', $2) AS tsq), " + SHARED + ", "
    + "text AS (SELECT " + CANDIDATE + " FROM search_documents s WHERE s.tsv @@ websearch_to_tsquery('english', $2) "
    + "AND " + OF_KIND + " AND " + VISIBLE + " LIMIT " + TEXT_CANDIDATES + "), "
    + "near AS (SELECT n.name, word_similarity($2, n.name) AS similarity FROM (SELECT name FROM search_names "
    + "ORDER BY name <->> $2 LIMIT " + NAME_SCAN + ") n WHERE word_similarity($2, n.name) >= " + MIN_SIMILARITY
    + " AND EXISTS (SELECT 1 FROM search_documents s WHERE s.name = n.name AND " + OF_KIND + " AND " + VISIBLE + ") "
    + "LIMIT " + NAME_CANDIDATES + "), "
    + "named AS (SELECT d.kind, d.id, d.ordinal FROM near n CROSS JOIN LATERAL (" + OF_NAME + ") d "
    + "ORDER BY n.similarity DESC, n.name, d.id, d.ordinal LIMIT $4), "
    + "candidates AS (SELECT * FROM text UNION ALL SELECT " + CANDIDATE + " FROM named n "
    + "JOIN search_documents s USING (kind, id, ordinal) "
    + "WHERE (n.kind, n.id, n.ordinal) NOT IN (SELECT kind, id, ordinal FROM text)), "
    + "scored AS MATERIALIZED (SELECT c.*, c.tsv @@ q.tsq AS matched, ts_rank_cd(c.tsv, q.tsq) AS rank, "
    + "word_similarity($2, c.name) AS similarity "
    + "FROM candidates c, q) "
    + "SELECT kind, id, ordinal, name, parent, detail, owner_id = $1 AS own, rank, similarity FROM scored "
    + "WHERE matched OR similarity >= " + MIN_SIMILARITY + " "
    + "ORDER BY rank + similarity DESC, name, id, ordinal LIMIT $4";

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
