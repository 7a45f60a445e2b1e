package io.tributary.query;

/**
 * Why a query was refused or failed, with a message fit for the caller (never an internal path) and, when
 * known, the 0-based character position in the SQL text it refers to.
 */
public final class QueryException extends Exception {

  private static final long serialVersionUID = 1L;

  /** The kinds of failure; each maps to one client-facing error code in {@link QueryVerticle}. */
  public enum Reason { INVALID_SQL, FORBIDDEN, UNKNOWN_TABLE, TIMEOUT, RESOURCE_LIMIT, INTERNAL }

  private final Reason reason;
  private final Integer position;

  public QueryException(Reason reason, String message) {
    this(reason, message, null);
  }

  public QueryException(Reason reason, String message, Integer position) {
    super(message, null, false, false);
    this.reason = reason;
    this.position = position;
  }

  public Reason reason() {
    return reason;
  }

  /** Character offset in the SQL text, or null. */
  public Integer position() {
    return position;
  }
}
