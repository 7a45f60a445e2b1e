package io.tributary.bench;

import io.tributary.profile.DatasetProfiler;
import io.tributary.profile.ProfileColumn;
import io.tributary.profile.ProfilerSettings;
import io.tributary.transform.ConvertRequest;
import io.tributary.transform.ConvertResult;
import io.tributary.transform.DatasetConverter;
import io.tributary.transform.SourceType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The conversion and profile of an upload in one JVM, without the server around them (no HTTP, queue or
 * transactions): the NDJSON and Parquet files of {@link IngestBench} converted by {@link DatasetConverter} and
 * profiled by {@link DatasetProfiler} as the server does, next to DuckDB's own COPY of the same file to Parquet in
 * the same run; each best of 3 after one unmeasured run. For a machine too loaded to start the server of
 * {@link IngestBench} in time. System properties: {@code bench.json.rows} (1,000,000), {@code bench.parquet.rows}
 * (3,000,000). Results go to {@code target/bench/convert.md}.
 */
public final class ConvertBench {

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    long jsonRows = Long.getLong("bench.json.rows", 1_000_000L);
    long parquetRows = Long.getLong("bench.parquet.rows", 3_000_000L);
    StringBuilder md = new StringBuilder("| file | rows | MB | DuckDB COPY s | convert s | profile s | convert + profile s "
      + "| ratio to COPY | CPU s (convert + profile) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    List<Object[]> runs = new ArrayList<>();
    if (jsonRows > 0) {
      Path json = out.resolve("bench-" + jsonRows + ".ndjson");
      if (!Files.exists(json)) {
        IngestBench.generateJson(json, out.resolve("bench-json-source.csv"), jsonRows);
      }
      runs.add(new Object[] {"NDJSON, 6 columns", json, SourceType.JSON, jsonRows});
    }
    if (parquetRows > 0) {
      Path parquet = out.resolve("bench-" + parquetRows + ".parquet");
      if (!Files.exists(parquet)) {
        IngestBench.generateParquet(parquet, parquetRows);
      }
      runs.add(new Object[] {"Parquet, 5 columns (flights-3m shape)", parquet, SourceType.PARQUET, parquetRows});
    }
    try (DatasetProfiler profiler = new DatasetProfiler(ProfilerSettings.defaults())) {
      for (Object[] run : runs) {
        Path file = (Path) run[1];
        double duck = IngestBench.duckCopy(file, out.resolve("duck.parquet"));
        double convert = Double.MAX_VALUE;
        double profile = Double.MAX_VALUE;
        double both = Double.MAX_VALUE;
        double cpu = Double.NaN;
        for (int i = 0; i < 4; i++) {
          Path dataset = out.resolve("converted.parquet");
          double cpu0 = IngestBench.cpuSeconds(ProcessHandle.current());
          long t0 = System.nanoTime();
          ConvertResult result = DatasetConverter.convert(new ConvertRequest(file, (SourceType) run[2], false, dataset),
            p -> { });
          long t1 = System.nanoTime();
          List<ProfileColumn> columns = new ArrayList<>();
          result.columns().forEach(c -> columns.add(new ProfileColumn(c.name(), c.type(), c.distinct())));
          profiler.profile(dataset, columns);
          long t2 = System.nanoTime();
          double cpuUsed = IngestBench.cpuSeconds(ProcessHandle.current()) - cpu0;
          if (result.rowCount() != (Long) run[3]) {
            throw new IllegalStateException("rows " + result.rowCount() + " != " + run[3]);
          }
          Files.deleteIfExists(dataset);
          if (i > 0) {
            convert = Math.min(convert, (t1 - t0) / 1e9);
            profile = Math.min(profile, (t2 - t1) / 1e9);
            if ((t2 - t0) / 1e9 < both) {
              cpu = cpuUsed;
            }
            both = Math.min(both, (t2 - t0) / 1e9);
          }
        }
        md.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.3f | %.3f | %.3f | %.3f | %.2fx | %.2f |%n", run[0],
          run[3], Files.size(file) / 1e6, duck, convert, profile, both, both / duck, cpu));
      }
    }
    System.out.println();
    System.out.println("Conversion + profile in one JVM vs DuckDB COPY of the same file (same run)");
    System.out.println(md);
    Files.writeString(out.resolve("convert.md"), md.toString());
  }
}
