package io.tributary.flag;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Flag evaluation rules")
class FlagRulesTest {

  private static Flag flag(boolean enabled, double percent, Set<String> tiers, Set<String> allow, Set<String> deny) {
    return new Flag("new.search", "", enabled, percent, tiers, allow, deny, null, 1, "2026-01-01T00:00:00Z");
  }

  @Test
  @DisplayName("murmur3-32 gives the reference values, so buckets match Unleash and flagd")
  void murmurReferenceValues() {
    assertThat(FlagRules.murmur3x86(new byte[0], 0)).isEqualTo(0);
    assertThat(FlagRules.murmur3x86("hello".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(0x248bfa47);
    assertThat(FlagRules.murmur3x86("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8), 0))
      .isEqualTo(0x2e4ff723);
  }

  @Test
  @DisplayName("the kill switch wins over allow lists; deny wins over allow; tiers come before the percentage")
  void order() {
    String u = UUID.randomUUID().toString();
    assertThat(FlagRules.decide(flag(false, 100, Set.of(), Set.of(u), Set.of()), u, "free"))
      .isEqualTo(FlagRules.Decision.KILLED);
    assertThat(FlagRules.decide(flag(true, 100, Set.of(), Set.of(u), Set.of(u)), u, "free"))
      .isEqualTo(FlagRules.Decision.DENIED);
    assertThat(FlagRules.decide(flag(true, 0, Set.of("premium"), Set.of(u), Set.of()), u, "free"))
      .isEqualTo(FlagRules.Decision.ALLOWED);
    assertThat(FlagRules.decide(flag(true, 100, Set.of("premium"), Set.of(), Set.of()), u, "free"))
      .isEqualTo(FlagRules.Decision.WRONG_TIER);
    assertThat(FlagRules.decide(flag(true, 100, Set.of("premium"), Set.of(), Set.of()), u, "premium").on).isTrue();
    assertThat(FlagRules.decide(flag(true, 0, Set.of(), Set.of(), Set.of()), u, "premium").on).isFalse();
  }

  @Test
  @DisplayName("raising the rollout from 10% to 25% keeps every user of the first 10% in, and reaches about 25%")
  void stickyAndMonotonic() {
    Set<String> at10 = new HashSet<>();
    Set<String> at25 = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String u = UUID.nameUUIDFromBytes(("user" + i).getBytes(StandardCharsets.UTF_8)).toString();
      if (FlagRules.decide(flag(true, 10, Set.of(), Set.of(), Set.of()), u, "free").on) {
        at10.add(u);
      }
      if (FlagRules.decide(flag(true, 25, Set.of(), Set.of(), Set.of()), u, "free").on) {
        at25.add(u);
      }
    }
    assertThat(at25).containsAll(at10);
    assertThat(at10.size()).isBetween(1_800, 2_200);
    assertThat(at25.size()).isBetween(4_600, 5_400);
  }
}
