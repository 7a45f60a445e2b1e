package io.tributary.cli;

/** A failure the command line reports on stderr and exits with: its message and exit code. */
final class CliError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Exit codes, as documented in the README. */
  static final int OK = 0;
  static final int USAGE = 1;
  static final int NOT_FOUND = 2;
  static final int REFUSED = 3;
  static final int SERVER = 4;

  private final int exitCode;

  CliError(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  /** The exit code for an HTTP error status. */
  static int forStatus(int status) {
    if (status == 404) {
      return NOT_FOUND;
    }
    if (status == 401 || status == 403 || status == 409 || status == 412 || status == 428 || status == 429) {
      return REFUSED;
    }
    return status >= 500 ? SERVER : USAGE;
  }
}
