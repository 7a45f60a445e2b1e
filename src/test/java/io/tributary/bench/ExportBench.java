package io.tributary.bench;

import io.tributary.dashboard.render.DashboardExport;
import io.tributary.dashboard.render.ExportFixtures;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Export benchmark: a six-viz dashboard (line over 1M points, bar, scatter of 100k, pie, number, 5,000-row
 * table) rendered to PNG and PDF in this JVM, from data already in memory as the query API's JSON rows.
 * Per format: the first (cold) run, then the median and worst of the measured runs in wall and thread-CPU
 * time, bytes allocated, and peak heap above the pre-run baseline (sum of the heap pools' peaks after a GC
 * and a peak reset, an upper bound). Writes {@code export.md} and the files into the output directory.
 * Run with {@code java -Xmx2g -cp <test classpath> io.tributary.bench.ExportBench target/bench}; system
 * property {@code bench.export.runs} (default 5).
 */
public final class ExportBench {

  private static final double MB = 1024.0 * 1024.0;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    int runs = Integer.getInteger("bench.export.runs", 5);
    long before = usedAfterGc();
    JsonObject dashboard = ExportFixtures.dashboard();
    Map<String, JsonObject> data = ExportFixtures.dashboardData(1_000_000, 100_000, 5_000);
    double inputMb = (usedAfterGc() - before) / MB;
    DashboardExport export = new DashboardExport();

    List<Result> results = new ArrayList<>();
    for (String format : List.of("png", "pdf")) {
      List<Run> measured = new ArrayList<>();
      Run cold = run(export, format, dashboard, data);
      for (int i = 0; i < runs; i++) {
        measured.add(run(export, format, dashboard, data));
      }
      Files.write(out.resolve("export." + format), measured.get(0).bytes);
      results.add(new Result(format, cold, measured));
      System.out.printf(Locale.ROOT, "%s: cold %.0f ms, median %.0f ms (CPU %.0f ms), worst %.0f ms, peak +%.0f MB%n",
        format, cold.wallMs, median(measured, r -> r.wallMs), median(measured, r -> r.cpuMs),
        max(measured, r -> r.wallMs), max(measured, r -> r.peakMb));
    }
    report(out, results, runs, inputMb);
  }

  record Run(double wallMs, double cpuMs, double allocatedMb, double peakMb, byte[] bytes) {
  }

  record Result(String format, Run cold, List<Run> runs) {
  }

  private static Run run(DashboardExport export, String format, JsonObject dashboard, Map<String, JsonObject> data)
    throws IOException {
    long baseline = usedAfterGc();
    List<MemoryPoolMXBean> pools = heapPools();
    pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long allocated0 = threads.getThreadAllocatedBytes(thread);
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
    if (format.equals("png")) {
      export.writePng(dashboard, data, 0, 0, Instant.now(), bytes);
    } else {
      export.writePdf(dashboard, data, Instant.now(), bytes);
    }
    double wall = (System.nanoTime() - t0) / 1e6;
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6;
    double allocated = (threads.getThreadAllocatedBytes(thread) - allocated0) / MB;
    long peak = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    return new Run(wall, cpu, allocated, Math.max(0, peak - baseline) / MB, bytes.toByteArray());
  }

  private static void report(Path out, List<Result> results, int runs, double inputMb) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Dashboard export\n\n")
      .append("Six visualizations: line over 1,000,000 points, bar, scatter of 100,000 points, pie, number, ")
      .append("table of 5,000 rows; PNG at 1600 px wide (layout height), PDF on A4 landscape with every table ")
      .append("row. Data in memory as the query API's JSON rows (").append(String.format(Locale.ROOT, "%.0f", inputMb))
      .append(" MB live). ").append(runs).append(" measured runs after one cold run; target under 1 s each.\n\n")
      .append("| format | cold ms | median ms | worst ms | median CPU ms | allocated MB | peak heap MB ")
      .append("(above baseline) | size KB |\n")
      .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %d |%n", r.format(),
        r.cold().wallMs(), median(r.runs(), Run::wallMs), max(r.runs(), Run::wallMs), median(r.runs(), Run::cpuMs),
        median(r.runs(), Run::allocatedMb), max(r.runs(), Run::peakMb), r.runs().get(0).bytes().length / 1024));
    }
    md.append(String.format(Locale.ROOT, "%nJVM %s, %d cores, max heap %.0f MB, load average %.1f at the end.%n",
      System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
      Runtime.getRuntime().maxMemory() / MB, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    Files.writeString(out.resolve("export.md"), md);
    System.out.print(md);
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
  }

  private static long usedAfterGc() {
    System.gc();
    return heapPools().stream().mapToLong(p -> p.getUsage().getUsed()).sum();
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double max(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    return Arrays.stream(runs.stream().mapToDouble(f).toArray()).max().orElse(0);
  }
}
