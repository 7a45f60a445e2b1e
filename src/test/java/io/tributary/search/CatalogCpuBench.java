package io.tributary.search;

import io.tributary.bench.CollectionBench;
import io.tributary.db.Database;
import io.tributary.support.Api;
import io.tributary.support.Await;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * CPU per search of the in-memory catalog alone ({@link Catalog#search}), single-threaded, over CollectionBench's
 * catalog (10,000 datasets x 20 columns) and query mix: no HTTP, no PostgreSQL, so it is robust to a loaded machine.
 * {@code dump FILE} seeds the embedded PostgreSQL as CollectionBench does and writes the user's search documents and
 * the {@code websearch_to_tsquery} of its rotating queries and first {@code bench.cpu.novel} (16,000) novel texts;
 * {@code run FILE ANSWERS} loads them, checks every answer once (written to ANSWERS, to compare two builds byte for
 * byte, also for other types and limits; {@code -Dbench.cpu.answers=false} skips it), then times
 * {@code bench.cpu.rounds} (5) rounds (thread CPU per search, wall percentiles; {@code bench.cpu.top} slowest texts);
 * {@code bench.cpu.match} keeps only the texts matching a regular expression (to profile the slowest).
 */
public final class CatalogCpuBench {

  private static final String ROTATING = "rotating";
  private static final String NOVEL = "novel";

  private CatalogCpuBench() {
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("dump")) {
      dump(Path.of(args[1]));
      System.exit(0);
    }
    run(Path.of(args[1]), Path.of(args[2]));
  }

  private static void dump(Path file) throws Exception {
    Api user = Api.newUser("analyst", "premium");
    UUID owner = UUID.fromString(new JsonObject(new String(Base64.getUrlDecoder().decode(user.token().split("\\.")[1]),
      StandardCharsets.UTF_8)).getString("sub"));
    Pool pg = Database.pool(TestApp.get().vertx, TestApp.get().config().getJsonObject("postgres").copy());
    int datasets = Integer.getInteger("bench.search.datasets", 10_000);
    for (int from = 1; from <= datasets; from += 1000) {
      Await.result(pg.preparedQuery(CollectionBench.SEED).execute(Tuple.of(owner, from, Math.min(datasets, from + 999))), 600);
    }
    List<String> texts = new ArrayList<>();
    for (String q : CollectionBench.QUERIES) {
      texts.add(ROTATING + "\t" + q);
    }
    for (long n = 0; n < Integer.getInteger("bench.cpu.novel", 16_000); n++) {
      texts.add(NOVEL + "\t" + CollectionBench.novel(n));
    }
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write(owner + "\n");
      for (Row r : Await.result(pg.preparedQuery(SearchIndex.LOAD + "").execute(Tuple.of(10_000_000)), 600)) {
        if (!owner.equals(r.getUUID(3))) {
          continue;
        }
        w.write(String.join("\t", "D", r.getString(0), r.getUUID(1).toString(), String.valueOf(r.getInteger(2)),
          r.getUUID(3).toString(), r.getString(4), String.valueOf(r.getString(5)), String.valueOf(r.getString(6)),
          r.getString(7)) + "\n");
      }
      for (String t : texts) {
        String q = t.substring(t.indexOf('\t') + 1);
        String tsq = Await.result(pg.preparedQuery("SELECT websearch_to_tsquery('english', $1)::text")
          .execute(Tuple.of(q))).iterator().next().getString(0);
        w.write("Q\t" + t + "\t" + tsq + "\n");
      }
    }
  }

  private record Query(String mix, String q, TsQuery tsq) {
  }

  private static void run(Path file, Path answers) throws Exception {
    List<String> lines = Files.readAllLines(file);
    UUID owner = UUID.fromString(lines.get(0));
    Catalog catalog = new Catalog();
    Map<String, String> intern = new HashMap<>();
    List<Query> queries = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      if (f[0].equals("D")) {
        catalog.add(new CatalogDoc(f[1], UUID.fromString(f[2]), Integer.parseInt(f[3]), UUID.fromString(f[4]), f[5],
          f[6].equals("null") ? null : f[6], f[7].equals("null") ? null : f[7], f[8], intern));
      } else {
        TsQuery tsq = TsQuery.parse(f[3]);
        if (tsq != null && f[2].matches(System.getProperty("bench.cpu.match", ".*"))) {
          queries.add(new Query(f[1], f[2], tsq));
        }
      }
    }
    lines = null;
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    System.out.printf("%d documents, %d queries the catalog answers, heap in use %.1f MB%n", catalog.size(),
      queries.size(), (rt.totalMemory() - rt.freeMemory()) / 1e6);
    try (BufferedWriter w = Files.newBufferedWriter(answers)) {
      for (Query q : Boolean.parseBoolean(System.getProperty("bench.cpu.answers", "true")) ? queries : List.<Query>of()) {
        for (String kind : Arrays.asList(null, "dataset", "column")) {
          for (int limit : new int[] {1, 20, 100}) {
            JsonArray a = catalog.search(owner, Set.of(), q.q(), q.tsq(), kind, limit);
            w.write(q.q() + "\t" + kind + "\t" + limit + "\t" + a.encode() + "\n");
          }
        }
      }
    }
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    int rounds = Integer.getInteger("bench.cpu.rounds", 5);
    for (String mix : List.of(ROTATING, NOVEL)) {
      List<Query> of = queries.stream().filter(q -> q.mix().equals(mix)).toList();
      if (of.isEmpty()) {
        continue;
      }
      int repeat = mix.equals(ROTATING) ? 500 : 1;
      long[] each = new long[of.size() * repeat];
      long[] best = new long[of.size()];
      Arrays.fill(best, Long.MAX_VALUE);
      for (int round = 0; round < rounds; round++) {
        long c0 = cpu.getCurrentThreadCpuTime();
        int k = 0;
        for (int r = 0; r < repeat; r++) {
          for (Query q : of) {
            long t0 = System.nanoTime();
            catalog.search(owner, Set.of(), q.q(), q.tsq(), null, 20);
            each[k] = System.nanoTime() - t0;
            best[k % of.size()] = Math.min(best[k % of.size()], each[k++]);
          }
        }
        long used = cpu.getCurrentThreadCpuTime() - c0;
        Arrays.sort(each);
        System.out.printf("%s round %d: %d searches, CPU %.1f us/search, wall p50 %.1f p99 %.1f max %.1f us%n", mix,
          round, k, used / 1e3 / k, each[k / 2] / 1e3, each[(int) (k * 0.99)] / 1e3, each[k - 1] / 1e3);
      }
      Integer[] slowest = new Integer[of.size()];
      for (int i = 0; i < slowest.length; i++) {
        slowest[i] = i;
      }
      Arrays.sort(slowest, (a, b) -> Long.compare(best[b], best[a]));
      for (int i = 0; i < Math.min(slowest.length, Integer.getInteger("bench.cpu.top", 0)); i++) {
        System.out.printf("  %.1f us  %s  %s%n", best[slowest[i]] / 1e3, of.get(slowest[i]).q(),
          of.get(slowest[i]).tsq().lexemes);
      }
    }
  }
}
