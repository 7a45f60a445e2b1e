package io.tributary.profile;

import io.tributary.bus.ErrorCode;
import io.tributary.config.Sections;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Worker verticle: profiles a dataset's Parquet file with {@link DatasetProfiler} (DuckDB, exact statistics). */
public final class ProfileVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileVerticle.class);
  private DatasetProfiler profiler;

  @Override
  public Future<?> start() {
    JsonObject cfg = config();
    Path temp = Path.of(cfg.getJsonObject(Sections.NODE).getString("data_dir"), "tmp", "profile");
    profiler = new DatasetProfiler(new ProfilerSettings(cfg.getString("memory_limit", "1GB"),
      cfg.getInteger("threads", 2), temp));
    vertx.eventBus().<JsonObject>localConsumer(ProfileContract.COMPUTE, this::compute);
    // loading DuckDB's native library takes most of a second, the JIT's first compilation of the profile's Java side
    // about as much again: pay both now rather than in the first job
    int warmUpRows = cfg.getInteger("warmup_rows", 0);
    long started = System.nanoTime();
    vertx.executeBlocking(() -> {
      profiler.warmUp(warmUpRows);
      return null;
    }).onSuccess(v -> LOG.info("Profiler warmed up in {} ms", (System.nanoTime() - started) / 1_000_000))
      .onFailure(err -> LOG.warn("Profiler warm-up failed (the first profile opens DuckDB): {}", err.getMessage()));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    profiler.close();
    return Future.succeededFuture();
  }

  private void compute(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    JsonArray specs = body.getJsonArray("columns");
    JsonArray distinct = body.getJsonArray("distinct_counts", new JsonArray());
    List<ProfileColumn> columns = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      JsonObject c = specs.getJsonObject(i);
      columns.add(new ProfileColumn(c.getString("name"), c.getString("type"),
        i < distinct.size() ? distinct.getLong(i) : null));
    }
    try {
      long started = System.nanoTime();
      JsonObject profile = profiler.profile(Path.of(body.getString("file")), columns);
      LOG.info("Profiled {} in {} ms", body.getString("file"), (System.nanoTime() - started) / 1_000_000);
      msg.reply(profile);
    } catch (ProfileTooLargeException e) {
      // the operator's limit, not a server fault: the job fails with the setting to raise
      LOG.warn("Profiling {} failed: {} ({})", body.getString("file"), e.getMessage(), e.getCause().getMessage());
      msg.fail(ErrorCode.INVALID_FILE.busCode(), e.getMessage());
    } catch (Exception e) {
      LOG.error("Profiling {} failed", body.getString("file"), e);
      msg.fail(ErrorCode.INTERNAL_ERROR.busCode(), "profiling failed");
    }
  }
}
