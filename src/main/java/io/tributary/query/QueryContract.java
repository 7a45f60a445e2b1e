package io.tributary.query;

/**
 * Event-bus contract of the query worker.
 *
 * <p>Every request carries {@code {user_id, user_dir, tables:[{name, file, version}], sql, limit}} (the
 * caller's ready datasets, resolved by the HTTP layer).
 * <ul>
 *   <li>{@link #EXECUTE}: reply a Buffer holding the JSON object
 *       {@code {"columns":[{name,type}],"results":[...],"row_count":n,"truncated":b,"execution_time_ms":t}}.</li>
 *   <li>{@link #VALIDATE}: reply {@code {valid, errors:[{message, position?}], tables_read:[...]}}.</li>
 *   <li>{@link #STREAM}: request also has {@code format: csv|ndjson} and {@code reply_to}, an address on which
 *       the worker sends the output as Buffer chunks by request/reply (one chunk in flight; the reply is the
 *       credit for the next), then an empty Buffer at the end; the reply to the STREAM request itself
 *       ({@code {rows}}) comes when all chunks are delivered. Failures before the first chunk fail the request.</li>
 * </ul>
 * Failures carry {@code ErrorCode} bus codes: INVALID_SQL, SQL_NOT_ALLOWED, UNKNOWN_TABLE, QUERY_TIMEOUT,
 * QUERY_RESOURCE_LIMIT, INTERNAL_ERROR.
 */
public final class QueryContract {

  /** Request/reply: run a query, JSON result (bounded by the limit). */
  public static final String EXECUTE = "query.execute";
  /** Request/reply: check a query without running it. */
  public static final String VALIDATE = "query.validate";
  /** Request/reply plus chunk messages: run a query and stream CSV or NDJSON. */
  public static final String STREAM = "query.stream";

  private QueryContract() {
  }
}
