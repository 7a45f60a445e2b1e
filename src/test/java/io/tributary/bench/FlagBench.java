package io.tributary.bench;

import io.tributary.flag.Flag;
import io.tributary.flag.FlagRules;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the per-request checks cost. First nanoseconds per flag evaluation (in memory, as every request's module
 * check does): a module at 100% (the common case: no hashing), at 30% (murmur3 of {@code flag_key:user_id}), and
 * one with a 1,000-user deny list ({@code -Dbench.flag.evaluations}, default 5,000,000 per case). Then an
 * authenticated, module-gated route, {@code GET /api/v1/dashboards}, through HTTP on the packaged server: with the
 * module gate against the same server's listener without it, and with the token revocation check (20 revoked tokens
 * and a deactivated user in the list) against the listener without it ({@code http.bench.*_port}: the same routes,
 * event loops, database and Redis, only that handler differs). Each pair runs in alternating rounds (A B, B A, ...)
 * after a warm-up, at 8 and 64 connections, so drift on a loaded machine hits both sides alike; besides req/s and
 * latency it reports the event loops' CPU time per request, the measure the 5% verdict uses
 * ({@code -Dbench.flag.rounds}, default 6, {@code -Dbench.flag.seconds}, default 4 per run;
 * {@code -Dbench.flag.routes.skip=true} skips this part). Target: at most 5% slower with the check. Writes
 * {@code flags.md} in the output directory (first argument, default {@code target/bench}).
 */
public final class FlagBench {

  private static final String ROUTE = "/api/v1/dashboards?limit=20";
  private static final int[] CONNECTIONS = {8, 64};

  private FlagBench() {
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    StringBuilder md = new StringBuilder("## Flag evaluation\n\n").append(evaluations()).append('\n');
    if (!Boolean.getBoolean("bench.flag.routes.skip")) {
      md.append(routes(out));
    }
    System.out.println(md);
    Files.writeString(out.resolve("flags.md"), md.toString());
  }

  private static String evaluations() {
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
    StringBuilder md = new StringBuilder("| flag | evaluations | ns per evaluation | share on |\n|---|---:|---:|---:|\n");
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
          md.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.3f |%n", c[0], n, (double) ns / n, (double) on / n));
        }
      }
    }
    return md.toString();
  }

  /** The route with and without each check, on one packaged server; a Markdown section. */
  private static String routes(Path out) throws Exception {
    Path work = out.resolve("flags");
    ServerProcess.deleteTree(work);
    Files.createDirectories(work);
    int rounds = Integer.getInteger("bench.flag.rounds", 6);
    int seconds = Integer.getInteger("bench.flag.seconds", 4);
    int noGate = ServerProcess.freePort();
    int noRevocation = ServerProcess.freePort();
    StringBuilder md = new StringBuilder();
    try (ServerProcess server = new ServerProcess(Path.of("target/tributary.jar"), work.resolve("data"), "1g",
      work.resolve("server.log"), Map.of("TRIBUTARY_HTTP_BENCH_WITHOUT_MODULE_GATE_PORT", Integer.toString(noGate),
        "TRIBUTARY_HTTP_BENCH_WITHOUT_REVOCATION_CHECK_PORT", Integer.toString(noRevocation),
        "TRIBUTARY_RATE_LIMIT_API_FREE", "1000000000", "TRIBUTARY_RATE_LIMIT_API_PREMIUM", "1000000000"));
         LoadClient load = new LoadClient()) {
      awaitListeners(server, noGate, noRevocation);
      String token = IngestBench.login(server);
      for (int i = 0; i < 3; i++) {
        expect(send(server, server.port, token, "POST", "/api/v1/dashboards", new JsonObject().put("name", "Board " + i)
          .put("visualizations", new JsonArray())), 201);
      }
      String revoked = revocations(server, token);
      md.append(checked(server, token, revoked, noGate, noRevocation));

      RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setURI(ROUTE)
        .putHeader("Authorization", "Bearer " + token);
      for (int port : new int[] {server.port, noGate, noRevocation}) { // JIT warm-up of every listener
        load.run("warm-up", port, request, null, 64, 0, 10, (status, body) -> status == 200);
      }
      md.append("\n## GET ").append(ROUTE).append(" with and without each check\n\n")
        .append("Same process, same event loops; ").append(rounds).append(" alternating rounds of ").append(seconds)
        .append(" s per side, after a 10 s warm-up of each listener. req/s: mean of the rounds; p50/p99: median of "
          + "the rounds; ratios: median of the per-round ratios (min–max). Server CPU per request: the CPU time "
          + "of the server's event-loop threads during a run over its requests (PostgreSQL and Redis are other "
          + "processes, so this is the Vert.x side of the request alone). On a machine shared with other builds only the ratios mean anything, and the CPU ratio is the "
          + "steadier one: the verdict uses it.\n\n")
        .append("| check | connections | req/s with / without | p50 ms with / without | p99 ms with / without | errors "
          + "| req/s with ÷ without (min–max) | event-loop CPU µs/request with / without | CPU with ÷ without (min–max) "
          + "| CPU cost of the check | ≤ 5% |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (Object[] pair : new Object[][] {{"module gate (module.dashboards at 100%)", noGate},
        {"token revocation check", noRevocation}}) {
        for (int connections : CONNECTIONS) {
          md.append(compare(load, server.process.pid(), (String) pair[0], server.port, (Integer) pair[1], request,
            connections, rounds, seconds)).append('\n');
        }
      }
    }
    return md.toString();
  }

  /**
   * Rounds of A then B (odd rounds B then A); one table row. Besides wall-clock figures, the CPU time of the
   * server's event loops per request ({@link #cpuTicks}): what the check costs the server, and far steadier than
   * req/s when other processes take the cores.
   */
  private static String compare(LoadClient load, long pid, String check, int with, int without,
                                RequestOptions request, int connections, int rounds, int seconds) throws Exception {
    List<LoadClient.Result> a = new ArrayList<>();
    List<LoadClient.Result> b = new ArrayList<>();
    double[] cpuA = new double[rounds];
    double[] cpuB = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      for (int side : r % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
        long ticks = cpuTicks(pid);
        LoadClient.Result result = load.run(check + (side == 0 ? " with" : " without"), side == 0 ? with : without,
          request, null, connections, 0, seconds, (status, body) -> status == 200 && body.toString().contains("items"));
        double cpuMicros = (cpuTicks(pid) - ticks) * 10_000.0 / Math.max(1, result.requests());
        System.out.println(result.row() + String.format(Locale.ROOT, " %.0f µs CPU/request", cpuMicros));
        (side == 0 ? a : b).add(result);
        (side == 0 ? cpuA : cpuB)[r] = cpuMicros;
      }
    }
    double[] ratios = new double[rounds];
    double[] cpuRatios = new double[rounds];
    long errors = 0;
    for (int r = 0; r < rounds; r++) {
      ratios[r] = a.get(r).rps() / b.get(r).rps();
      cpuRatios[r] = cpuA[r] / cpuB[r];
      errors += a.get(r).errors() + b.get(r).errors();
    }
    double ratio = median(ratios);
    double cpuRatio = median(cpuRatios);
    double costlier = (cpuRatio - 1) * 100;
    return String.format(Locale.ROOT, "| %s | %d | %,.0f / %,.0f | %.2f / %.2f | %.2f / %.2f | %d | %.3f (%.3f–%.3f) "
        + "| %.0f / %.0f | %.3f (%.3f–%.3f) | %+.1f %% | %s |", check, connections, mean(a), mean(b), median(a, true),
      median(b, true), median(a, false), median(b, false), errors, ratio, Arrays.stream(ratios).min().orElse(0),
      Arrays.stream(ratios).max().orElse(0), median(cpuA), median(cpuB), cpuRatio,
      Arrays.stream(cpuRatios).min().orElse(0), Arrays.stream(cpuRatios).max().orElse(0), costlier,
      costlier <= 5 ? "yes" : "NO");
  }

  /**
   * CPU time so far of the server's event-loop threads, which run every route and check, in ticks of 10 ms (user +
   * system, fields 14 and 15 of {@code /proc/<pid>/task/<tid>/stat}). The broker, GC and JIT threads of the same
   * process are left out: at a few dozen requests per second their steady work would outweigh the requests.
   */
  private static long cpuTicks(long pid) throws java.io.IOException {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (java.io.IOException ended) {
          continue; // the thread ended meanwhile
        }
        if (stat.contains("(vert.x-eventloo")) {
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
    }
    return ticks;
  }

  private static double mean(List<LoadClient.Result> runs) {
    return runs.stream().mapToDouble(LoadClient.Result::rps).average().orElse(0);
  }

  private static double median(List<LoadClient.Result> runs, boolean p50) {
    return median(runs.stream().mapToDouble(r -> p50 ? r.p50Ms() : r.p99Ms()).toArray());
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Waits for the benchmark listeners, which the server starts after it is ready. */
  private static void awaitListeners(ServerProcess server, int... ports) throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    for (int port : ports) {
      while (true) {
        try {
          if (server.http.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health/live"))
            .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
            break;
          }
        } catch (java.io.IOException notYet) {
          // starting
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("benchmark listener " + port + " not up after 180 s");
        }
        Thread.sleep(500);
      }
    }
  }

  /**
   * Fills the deny-list as a live server has it: 20 logged-out tokens and one deactivated user. Returns one of the
   * revoked tokens.
   */
  private static String revocations(ServerProcess server, String admin) throws Exception {
    String revoked = null;
    for (int i = 0; i < 20; i++) {
      revoked = IngestBench.login(server);
      expect(send(server, server.port, revoked, "POST", "/api/v1/auth/logout", new JsonObject()), 204);
    }
    JsonObject user = new JsonObject(expect(send(server, server.port, admin, "POST", "/api/v1/users", new JsonObject()
      .put("email", "gone-" + UUID.randomUUID() + "@bench.local").put("password", ServerProcess.ADMIN_PASSWORD)), 201));
    expect(send(server, server.port, admin, "PATCH", "/api/v1/users/" + user.getString("id"),
      new JsonObject().put("active", false)), 200);
    return revoked;
  }

  /**
   * Shows that each listener lacks exactly its check: with the dashboards module at 0% the gate answers 404 and
   * the listener without it 200; a revoked token gets 401, and 200 where revocation is not checked.
   */
  private static String checked(ServerProcess server, String admin, String revoked, int noGate, int noRevocation)
    throws Exception {
    String flag = "/api/v1/admin/flags/module.dashboards";
    String etag = server.http.send(HttpRequest.newBuilder(server.uri(flag)).header("Authorization", "Bearer " + admin)
      .build(), HttpResponse.BodyHandlers.ofString()).headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> off = server.http.send(HttpRequest.newBuilder(server.uri(flag))
      .header("Authorization", "Bearer " + admin).header("If-Match", etag).header("Content-Type", "application/json")
      .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"rollout_percent\":0}")).build(),
      HttpResponse.BodyHandlers.ofString());
    expect(off, 200);
    Thread.sleep(1_500); // the change reaches the store through NOTIFY
    int gated = send(server, server.port, admin, "GET", ROUTE, null).statusCode();
    int ungated = send(server, noGate, admin, "GET", ROUTE, null).statusCode();
    expect(server.http.send(HttpRequest.newBuilder(server.uri(flag)).header("Authorization", "Bearer " + admin)
      .header("If-Match", off.headers().firstValue("ETag").orElseThrow()).header("Content-Type", "application/json")
      .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"rollout_percent\":100}")).build(),
      HttpResponse.BodyHandlers.ofString()), 200);
    Thread.sleep(1_500);
    int refused = send(server, server.port, revoked, "GET", ROUTE, null).statusCode();
    int accepted = send(server, noRevocation, revoked, "GET", ROUTE, null).statusCode();
    if (gated != 404 || ungated != 200 || refused != 401 || accepted != 200) {
      throw new IllegalStateException("the listeners do not differ by their check: " + List.of(gated, ungated, refused,
        accepted));
    }
    return "\nChecked before measuring: module.dashboards at 0% answers " + gated + " with the gate and " + ungated
      + " without it; a revoked token answers " + refused + " with the revocation check and " + accepted
      + " without it.\n";
  }

  private static HttpResponse<String> send(ServerProcess server, int port, String token, String method, String path,
                                           JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
      .header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return server.http.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
      : HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String expect(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(r.request().method() + " " + r.uri() + " answered " + r.statusCode() + ": "
        + r.body());
    }
    return r.body();
  }
}
