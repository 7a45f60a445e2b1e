package io.tributary.collection;

import io.tributary.audit.AuditEvent;
import io.tributary.audit.AuditLog;
import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Collection templates: the built-in ones, read once from the {@code *.json} files of {@code collection.template_dir}
 * (a file that is not a valid blueprint is logged and left out), and the ones users saved from their collections
 * ({@code collection_templates}). Saving under a built-in name is refused; should a built-in template appear later
 * under the name of a user's own, theirs comes first for them.
 */
final class Templates {

  private static final Logger LOG = LoggerFactory.getLogger(Templates.class);

  static final String SAVED = "SELECT name, blueprint FROM collection_templates WHERE owner_id = $1 ORDER BY name";
  static final String FIND_SAVED = "SELECT blueprint FROM collection_templates WHERE owner_id = $1 AND name = $2";
  static final String INSERT = "INSERT INTO collection_templates (id, owner_id, name, description, blueprint) "
    + "VALUES ($1, $2, $3, $4, $5)";
  static final String DELETE = "DELETE FROM collection_templates WHERE owner_id = $1 AND name = $2 "
    + "RETURNING id, blueprint";

  private final Vertx vertx;
  private final Pool pool;
  private final String dir;
  private Future<Map<String, JsonObject>> builtIn;

  Templates(Vertx vertx, Pool pool, String dir) {
    this.vertx = vertx;
    this.pool = pool;
    this.dir = dir;
  }

  /** The built-in templates by name (read on first use). */
  synchronized Future<Map<String, JsonObject>> builtIn() {
    if (builtIn == null) {
      builtIn = load();
    }
    return builtIn;
  }

  private Future<Map<String, JsonObject>> load() {
    Map<String, JsonObject> found = new TreeMap<>();
    if (dir == null || dir.isBlank()) {
      return Future.succeededFuture(found);
    }
    return vertx.fileSystem().exists(dir).compose(exists -> !exists ? Future.succeededFuture(found)
      : vertx.fileSystem().readDir(dir, ".*\\.json").compose(files -> {
        Future<Void> chain = Future.succeededFuture();
        for (String file : files) {
          chain = chain.compose(v -> vertx.fileSystem().readFile(file).map(buffer -> {
            try {
              JsonObject blueprint = Blueprints.check(buffer.toJsonObject());
              found.put(blueprint.getString("name"), blueprint);
            } catch (RuntimeException e) {
              LOG.warn("Template {} left out: {}", Path.of(file).getFileName(), e.getMessage());
            }
            return null;
          }));
        }
        return chain.map(found);
      }));
  }

  /** Built-in and the owner's saved templates, as lists show them, by name. */
  Future<JsonArray> list(UUID ownerId) {
    return builtIn().compose(builtIns -> pool.preparedQuery(SAVED).execute(Tuple.of(ownerId)).map(rows -> {
      Map<String, JsonObject> all = new TreeMap<>();
      builtIns.forEach((name, blueprint) -> all.put(name, Blueprints.summary(blueprint, "builtin")));
      rows.forEach(r -> all.put(r.getString("name"), Blueprints.summary(r.getJsonObject("blueprint"), "saved")));
      return new JsonArray(new java.util.ArrayList<>(all.values()));
    }));
  }

  /**
   * The owner's template of that name, else the built-in one, as its blueprint plus {@code source} (saved or
   * builtin); 404 naming it when there is neither.
   */
  Future<JsonObject> find(UUID ownerId, String name) {
    return pool.preparedQuery(FIND_SAVED).execute(Tuple.of(ownerId, name)).compose(rows -> {
      if (rows.size() > 0) {
        return Future.succeededFuture(rows.iterator().next().getJsonObject("blueprint").copy().put("source", "saved"));
      }
      return builtIn().compose(builtIns -> builtIns.containsKey(name)
        ? Future.succeededFuture(builtIns.get(name).copy().put("source", "builtin")) : Future.failedFuture(notFound(name)));
    });
  }

  /**
   * Deletes the owner's saved template with its audit event ({@code template.deleted}). A built-in template is 409
   * (they come from the server's template folder); a name the owner has no template of is 404.
   */
  Future<Void> delete(UUID ownerId, String name, AuditEvent who) {
    return pool.withTransaction(conn -> conn.preparedQuery(DELETE).execute(Tuple.of(ownerId, name))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(false);
        }
        JsonObject blueprint = rows.iterator().next().getJsonObject("blueprint");
        return AuditLog.record(conn, who.as("template.deleted", "template", rows.iterator().next().getUUID("id"),
          new JsonObject().put("name", name).put("datasets", blueprint.getJsonArray("datasets").size())
            .put("dashboards", blueprint.getJsonArray("dashboards").size()), null)).map(true);
      }))
      .compose(deleted -> deleted ? Future.<Void>succeededFuture() : builtIn().compose(builtIns -> Future.failedFuture(
        builtIns.containsKey(name) ? new ApiException(ErrorCode.CONFLICT, "The template " + name + " is built in "
          + "(the server's template folder) and cannot be deleted; only templates you saved can",
          new JsonObject().put("template", name).put("source", "builtin")) : notFound(name))));
  }

  private static ApiException notFound(String name) {
    return new ApiException(ErrorCode.NOT_FOUND, "Template " + name + " not found; GET /api/v1/templates lists the "
      + "built-in templates and yours", new JsonObject().put("field", "template").put("template", name));
  }

  /** Stores the owner's blueprint with its audit event; 409 when the name is taken (by theirs or a built-in one). */
  Future<Void> save(UUID ownerId, JsonObject blueprint, AuditEvent who) {
    String name = blueprint.getString("name");
    UUID id = UUID.randomUUID();
    return builtIn().compose(builtIns -> {
      if (builtIns.containsKey(name)) {
        return Future.failedFuture(taken(name, "a built-in template"));
      }
      return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
        .execute(Tuple.of(id, ownerId, name, blueprint.getString("description"), blueprint))
        .compose(r -> AuditLog.record(conn, who.as("template.saved", "template", id, null, new JsonObject()
          .put("name", name).put("datasets", blueprint.getJsonArray("datasets").size())
          .put("dashboards", blueprint.getJsonArray("dashboards").size()))))
        .<Void>mapEmpty())
        .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
          ? taken(name, "one of your templates") : e));
    });
  }

  private static ApiException taken(String name, String whose) {
    return new ApiException(ErrorCode.CONFLICT, "The template name " + name + " is taken by " + whose
      + "; choose another", new JsonObject().put("field", "name").put("template", name));
  }

}
