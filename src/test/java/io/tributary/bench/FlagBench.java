package io.tributary.bench;

import io.tributary.flag.Flag;
import io.tributary.flag.FlagRules;

import java.util.Set;
import java.util.UUID;

/**
 * Nanoseconds per flag evaluation (in memory, as every request's module check does): a module at 100% (the common
 * case: no hashing), at 30% (murmur3 of {@code flag_key:user_id}), and one with a 1,000-user deny list. Prints a
 * Markdown table. {@code -Dbench.flag.evaluations} (default 5,000,000) per case.
 */
public final class FlagBench {

  private FlagBench() {
  }

  public static void main(String[] args) {
    int n = Integer.getInteger("bench.flag.evaluations", 5_000_000);
    String[] users = new String[4096];
    for (int i = 0; i < users.length; i++) {
      users[i] = UUID.randomUUID().toString();
    }
    Set<String> deny = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      deny.add(UUID.randomUUID().toString());
    }
    Flag full = new Flag("module.search", "", true, 100, Set.of(), Set.of(), Set.of(), null, 1, "");
    Flag partial = new Flag("module.search", "", true, 30, Set.of(), Set.of(), Set.of(), null, 1, "");
    Flag listed = new Flag("module.search", "", true, 30, Set.of("free", "premium"), Set.of(), Set.copyOf(deny), null, 1, "");
    System.out.println("| flag | evaluations | ns per evaluation | share on |");
    System.out.println("|---|---|---|---|");
    for (int round = 0; round < 2; round++) { // the first round warms the JIT up
      for (Object[] c : new Object[][] {{"100%", full}, {"30% (murmur3 bucket)", partial},
        {"30%, tiers, 1,000 denied", listed}}) {
        Flag flag = (Flag) c[1];
        long on = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          if (FlagRules.decide(flag, users[i & 4095], "free").on) {
            on++;
          }
        }
        long ns = System.nanoTime() - start;
        if (round == 1) {
          System.out.printf("| %s | %,d | %.1f | %.3f |%n", c[0], n, (double) ns / n, (double) on / n);
        }
      }
    }
  }
}
