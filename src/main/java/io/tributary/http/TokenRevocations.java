package io.tributary.http;

/**
 * Which tokens are revoked, answered from memory (no round trip): a token by its {@code jti}, or every token of a
 * user issued before a moment (deactivation, role change).
 */
public interface TokenRevocations {

  /** Nothing is ever revoked. */
  TokenRevocations NONE = new TokenRevocations() {
    @Override
    public boolean revoked(String jti, String userId, long issuedAtMs) {
      return false;
    }

    @Override
    public void onRevocation(Runnable listener) {
      // nothing to announce
    }
  };

  /** Whether the token {@code jti} (may be null) of {@code userId}, issued at {@code issuedAtMs}, is revoked. */
  boolean revoked(String jti, String userId, long issuedAtMs);

  /** Runs {@code listener}, on any thread, after each revocation has been applied. */
  void onRevocation(Runnable listener);
}
