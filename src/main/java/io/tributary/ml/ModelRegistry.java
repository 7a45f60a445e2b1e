package io.tributary.ml;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Registered models, their versions and aliases (MLflow's model registry), scoped by owner. A finished run becomes
 * the next version of its model in the same transaction that finishes the run; the {@value #CHAMPION} alias moves to
 * it when its holdout selection score is at least as good as the champion's.
 */
final class ModelRegistry {

  static final String CHAMPION = "champion";

  static final String FINISH_RUN = "UPDATE ml_runs SET status = 'finished', metrics = $2, candidates = $3, "
    + "params = params || $4, dataset_version = $5, duration_ms = $6, finished_at = now(), error = NULL "
    + "WHERE id = $1 AND status = 'running' RETURNING owner_id, model_name, params";
  static final String UPSERT_MODEL = "INSERT INTO ml_models (id, owner_id, name, problem_type, target_column) "
    + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (owner_id, name) DO UPDATE SET updated_at = now() RETURNING id";
  static final String NEXT_VERSION = "SELECT coalesce(max(version), 0) + 1 FROM ml_model_versions WHERE model_id = $1";
  static final String INSERT_VERSION = "INSERT INTO ml_model_versions (model_id, version, run_id, kind, file_path, "
    + "feature_schema, metrics) VALUES ($1, $2, $3, $4, $5, $6, $7)";
  static final String CHAMPION_METRICS = "SELECT v.metrics FROM ml_model_aliases a JOIN ml_model_versions v "
    + "ON v.model_id = a.model_id AND v.version = a.version WHERE a.model_id = $1 AND a.alias = '" + CHAMPION + "'";
  static final String SET_ALIAS = "INSERT INTO ml_model_aliases (model_id, alias, version) VALUES ($1, $2, $3) "
    + "ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version, updated_at = now()";
  static final String SET_OWN_ALIAS = "INSERT INTO ml_model_aliases (model_id, alias, version) SELECT v.model_id, $3, "
    + "v.version FROM ml_model_versions v JOIN ml_models m ON m.id = v.model_id WHERE m.id = $1 AND m.owner_id = $2 "
    + "AND v.version = $4 ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version, updated_at = now()";
  static final String VERSION_FILES = "SELECT v.file_path FROM ml_model_versions v JOIN ml_models m ON m.id = v.model_id "
    + "WHERE m.id = $1 AND m.owner_id = $2 FOR UPDATE OF m";
  /** Versions and aliases go with it (cascade); its runs stay, unlinked ({@code ON DELETE SET NULL}). */
  static final String DELETE = "DELETE FROM ml_models WHERE id = $1 AND owner_id = $2";
  static final String LINK_RUN = "UPDATE ml_runs SET model_id = $2, model_version = $3 WHERE id = $1";

  static final String MODEL_COLUMNS = "m.id, m.name, m.problem_type, m.target_column, m.created_at, m.updated_at, "
    + "(SELECT max(version) FROM ml_model_versions v WHERE v.model_id = m.id) AS latest_version, "
    + "(SELECT version FROM ml_model_aliases a WHERE a.model_id = m.id AND a.alias = '" + CHAMPION + "') AS champion_version";
  static final String LIST = "SELECT " + MODEL_COLUMNS + " FROM ml_models m WHERE m.owner_id = $1 "
    + "ORDER BY m.updated_at DESC, m.id LIMIT $2 OFFSET $3";
  static final String FIND = "SELECT " + MODEL_COLUMNS + " FROM ml_models m WHERE m.id = $1 AND m.owner_id = $2";
  static final String FIND_BY_NAME = "SELECT problem_type, target_column FROM ml_models WHERE owner_id = $1 AND name = $2";
  static final String VERSIONS = "SELECT v.version, v.run_id, v.kind, v.metrics, v.feature_schema, v.created_at, "
    + "r.dataset_id, r.dataset_version FROM ml_model_versions v JOIN ml_runs r ON r.id = v.run_id "
    + "WHERE v.model_id = $1 ORDER BY v.version DESC";
  static final String ALIASES = "SELECT alias, version FROM ml_model_aliases WHERE model_id = $1 ORDER BY alias";
  static final String SCORING = "SELECT v.version, v.kind, v.file_path, v.feature_schema FROM ml_models m "
    + "JOIN ml_model_versions v ON v.model_id = m.id WHERE m.id = $1 AND m.owner_id = $2 AND v.version = "
    + "coalesce($3, (SELECT a.version FROM ml_model_aliases a WHERE a.model_id = m.id AND a.alias = coalesce($4, '"
    + CHAMPION + "')))";

  /** What a finished training produced. */
  record Trained(UUID runId, String kind, String file, JsonObject schema, JsonObject metrics, JsonObject params,
                 JsonArray candidates, int datasetVersion, long durationMs) {
  }

  /** A run that ended before its model could be registered (cancelled or failed meanwhile). */
  static final class RunEnded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunEnded() {
      super("run no longer running", null, false, false);
    }
  }

  private final Pool pool;

  ModelRegistry(Pool pool) {
    this.pool = pool;
  }

  /** Finishes the run and registers its model as a new version: {@code {model_id, model_version, champion}}. */
  Future<JsonObject> register(Trained t) {
    return pool.withTransaction(conn -> conn.preparedQuery(FINISH_RUN)
      .execute(Tuple.from(new Object[] {t.runId(), t.metrics(), t.candidates(), t.params(), t.datasetVersion(),
        t.durationMs()}))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(new RunEnded());
        }
        Row run = rows.iterator().next();
        JsonObject params = (JsonObject) run.getValue("params");
        return conn.preparedQuery(UPSERT_MODEL).execute(Tuple.of(UUID.randomUUID(), run.getUUID("owner_id"),
          run.getString("model_name"), params.getString("problem_type"), params.getString("target_column")));
      })
      .compose(rows -> version(conn, rows.iterator().next().getUUID("id"), t)));
  }

  private Future<JsonObject> version(SqlConnection conn, UUID modelId, Trained t) {
    return conn.preparedQuery(NEXT_VERSION).execute(Tuple.of(modelId))
      .compose(rows -> {
        int version = rows.iterator().next().getInteger(0);
        return conn.preparedQuery(INSERT_VERSION).execute(Tuple.from(new Object[] {modelId, version, t.runId(),
            t.kind(), t.file(), t.schema(), t.metrics()}))
          .compose(r -> conn.preparedQuery(CHAMPION_METRICS).execute(Tuple.of(modelId)))
          .compose(champion -> {
            boolean better = champion.size() == 0 || ModelMetrics.selectionScore(t.metrics())
              <= ModelMetrics.selectionScore((JsonObject) champion.iterator().next().getValue("metrics"));
            Future<?> alias = better
              ? conn.preparedQuery(SET_ALIAS).execute(Tuple.of(modelId, CHAMPION, version)) : Future.succeededFuture();
            return alias.compose(a -> conn.preparedQuery(LINK_RUN).execute(Tuple.of(t.runId(), modelId, version)))
              .map(r -> new JsonObject().put("model_id", modelId.toString()).put("model_version", version)
                .put("champion", better));
          });
      });
  }

  /** Points the owner's model's {@code alias} at {@code version}; false when there is no such model or version. */
  Future<Boolean> setAlias(UUID modelId, UUID ownerId, String alias, int version) {
    return pool.preparedQuery(SET_OWN_ALIAS).execute(Tuple.of(modelId, ownerId, alias, version))
      .map(r -> r.rowCount() > 0);
  }

  /**
   * Deletes the owner's model with its versions and aliases, with its audit event, in one transaction; answers the
   * lake paths of its files, or null when the owner has no such model.
   */
  Future<java.util.List<String>> delete(UUID modelId, UUID ownerId, io.tributary.audit.AuditEvent audit) {
    return pool.withTransaction(conn -> conn.preparedQuery(VERSION_FILES).execute(Tuple.of(modelId, ownerId))
      .compose(files -> conn.preparedQuery(DELETE).execute(Tuple.of(modelId, ownerId)).compose(deleted -> {
        if (deleted.rowCount() == 0) {
          return Future.succeededFuture(null);
        }
        java.util.List<String> paths = new java.util.ArrayList<>();
        files.forEach(r -> paths.add(r.getString("file_path")));
        return io.tributary.audit.AuditLog.record(conn, audit).map(paths);
      })));
  }

  /** The kind, problem and target of the owner's model of that name, or null. */
  Future<JsonObject> byName(UUID ownerId, String name) {
    return pool.preparedQuery(FIND_BY_NAME).execute(Tuple.of(ownerId, name)).map(rows -> rows.size() == 0 ? null
      : new JsonObject().put("problem_type", rows.iterator().next().getString("problem_type"))
        .put("target_column", rows.iterator().next().getString("target_column")));
  }

  Future<JsonArray> list(UUID ownerId, int limit, int offset) {
    return pool.preparedQuery(LIST).execute(Tuple.of(ownerId, limit, offset)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(model(row)));
      return out;
    });
  }

  /** The owner's model with its versions (newest first) and aliases, or null. */
  Future<JsonObject> find(UUID modelId, UUID ownerId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(modelId, ownerId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      JsonObject model = model(rows.iterator().next());
      return pool.preparedQuery(VERSIONS).execute(Tuple.of(modelId)).compose(versions -> {
        JsonArray vs = new JsonArray();
        versions.forEach(v -> vs.add(new JsonObject().put("version", v.getInteger("version"))
          .put("run_id", v.getUUID("run_id").toString()).put("model_type", v.getString("kind"))
          .put("metrics", v.getValue("metrics")).put("feature_schema", v.getValue("feature_schema"))
          .put("dataset_id", v.getUUID("dataset_id").toString()).put("dataset_version", v.getInteger("dataset_version"))
          .put("created_at", RunRepository.time(v.getOffsetDateTime("created_at")))));
        return pool.preparedQuery(ALIASES).execute(Tuple.of(modelId)).map(aliases -> {
          JsonObject as = new JsonObject();
          aliases.forEach(a -> as.put(a.getString("alias"), a.getInteger("version")));
          return model.put("versions", vs).put("aliases", as);
        });
      });
    });
  }

  /**
   * The version of the owner's model to score with: {@code version}, else the one {@code alias} names, else the
   * champion. {@code {version, kind, file_path, feature_schema}}, or null.
   */
  Future<JsonObject> scoring(UUID modelId, UUID ownerId, Integer version, String alias) {
    return pool.preparedQuery(SCORING).execute(Tuple.of(modelId, ownerId, version, alias)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new JsonObject().put("version", row.getInteger("version")).put("kind", row.getString("kind"))
        .put("file_path", row.getString("file_path")).put("feature_schema", row.getValue("feature_schema"));
    });
  }

  private static JsonObject model(Row row) {
    return new JsonObject().put("model_id", row.getUUID("id").toString()).put("name", row.getString("name"))
      .put("problem_type", row.getString("problem_type")).put("target_column", row.getString("target_column"))
      .put("latest_version", row.getInteger("latest_version")).put("champion_version", row.getInteger("champion_version"))
      .put("created_at", RunRepository.time(row.getOffsetDateTime("created_at")))
      .put("updated_at", RunRepository.time(row.getOffsetDateTime("updated_at")));
  }
}
