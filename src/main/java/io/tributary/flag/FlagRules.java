package io.tributary.flag;

import java.nio.charset.StandardCharsets;

/**
 * How a flag decides for one user, in order: the kill switch ({@code enabled=false}) wins; then the deny list, then
 * the allow list; then the tiers; then a sticky bucket, murmur3-32 (seed 0) of {@code flag_key:user_id} modulo
 * 100,000, which is in when below the rollout threshold (as Unleash and flagd do). A user's bucket never changes,
 * so raising 10% to 25% keeps the first 10% in. No I/O and no allocation beyond the hashed bytes.
 */
public final class FlagRules {

  /** Why a flag is on or off for a user. */
  public enum Decision {
    KILLED(false), DENIED(false), ALLOWED(true), WRONG_TIER(false), ROLLED_OUT(true), NOT_ROLLED_OUT(false);

    public final boolean on;

    Decision(boolean on) {
      this.on = on;
    }
  }

  private FlagRules() {
  }

  /** The decision of {@code flag} for a user ({@code userId} null: anonymous, in only at 100%). */
  public static Decision decide(Flag flag, String userId, String tier) {
    if (!flag.enabled()) {
      return Decision.KILLED;
    }
    if (userId != null && flag.denyUsers().contains(userId)) {
      return Decision.DENIED;
    }
    if (userId != null && flag.allowUsers().contains(userId)) {
      return Decision.ALLOWED;
    }
    if (!flag.tiers().isEmpty() && (tier == null || !flag.tiers().contains(tier))) {
      return Decision.WRONG_TIER;
    }
    int threshold = flag.threshold();
    if (threshold >= Flag.BUCKETS) {
      return Decision.ROLLED_OUT;
    }
    if (threshold <= 0 || userId == null) {
      return Decision.NOT_ROLLED_OUT;
    }
    return bucket(flag.key(), userId) < threshold ? Decision.ROLLED_OUT : Decision.NOT_ROLLED_OUT;
  }

  /** The user's bucket for this flag, in 0..99,999. */
  public static int bucket(String flagKey, String userId) {
    byte[] bytes = (flagKey + ":" + userId).getBytes(StandardCharsets.UTF_8);
    return (int) (Integer.toUnsignedLong(murmur3x86(bytes, 0)) % Flag.BUCKETS);
  }

  /** MurmurHash3 x86 32-bit. */
  static int murmur3x86(byte[] data, int seed) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h = seed;
    int blocks = data.length / 4;
    for (int i = 0; i < blocks; i++) {
      int k = (data[i * 4] & 0xff) | (data[i * 4 + 1] & 0xff) << 8 | (data[i * 4 + 2] & 0xff) << 16
        | (data[i * 4 + 3] & 0xff) << 24;
      k *= c1;
      k = Integer.rotateLeft(k, 15);
      k *= c2;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int tail = blocks * 4;
    int k = 0;
    switch (data.length & 3) {
      case 3:
        k ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        k ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        k ^= data[tail] & 0xff;
        k *= c1;
        k = Integer.rotateLeft(k, 15);
        k *= c2;
        h ^= k;
        break;
      default:
        break;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
