package io.tributary.source;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus contract of the source worker ({@link SourceVerticle}): validating connections to users' databases and
 * running imports from them (a job kind of its own, {@link #IMPORT_JOB}).
 *
 * <p>{@link #VALIDATE} request {@code {connection: {type, host, port, database, user, ssl_mode, password} or the
 * stored form with password_encrypted (base64) and key_id, seal: bool}}; reply {@code {ok: true, password_encrypted,
 * key_id}} (the sealed password when {@code seal}). With {@code probe} (an import's {@code {table | sql,
 * incremental_column}}), the table or query must also answer and have that column. Failures carry {@code HOST_NOT_ALLOWED}, {@code SOURCE_UNREACHABLE},
 * {@code SOURCE_AUTH_FAILED}, {@code SOURCE_DATABASE_MISSING}, {@code SOURCE_TLS_REQUIRED} or {@code SOURCE_FAILED}
 * with a message naming what failed (never the password).
 */
public final class SourceContract {

  /** Request/reply: connect, authenticate and {@code SELECT 1} within the timeout; optionally seal the password. */
  public static final String VALIDATE = "source.validate";

  /** The job type of imports; its handler answers {@code jobs.run.import}. */
  public static final String IMPORT_JOB = "import";

  private SourceContract() {
  }

  static Future<JsonObject> validate(Vertx vertx, JsonObject connection, boolean seal, long timeoutMs) {
    return validate(vertx, connection, seal, null, timeoutMs);
  }

  /** As above; with {@code probe}, also checks that the import's table or query answers, with its columns. */
  static Future<JsonObject> validate(Vertx vertx, JsonObject connection, boolean seal, ImportDefinition probe,
                                    long timeoutMs) {
    JsonObject request = new JsonObject().put("connection", connection).put("seal", seal);
    if (probe != null) {
      request.put("probe", probe.toJson());
    }
    return vertx.eventBus().<JsonObject>request(VALIDATE, request,
      new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true)).map(Message::body);
  }
}
