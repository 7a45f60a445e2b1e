package io.tributary;

import io.tributary.cluster.ClusterSettings;
import io.tributary.cluster.HazelcastSetup;
import io.tributary.logging.LogContext;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * The entry point: {@code java -jar tributary.jar} (the server), or {@code java -jar tributary.jar cli ...} (the
 * command line, {@link io.tributary.cli.Cli}). The server is Vert.x with Prometheus metrics, deploying
 * {@link MainVerticle}.
 */
public final class Tributary implements VertxApplicationHooks {

  private static final Logger LOG = LoggerFactory.getLogger(Tributary.class);

  private final ClusterSettings cluster;

  private Tributary(ClusterSettings cluster) {
    this.cluster = cluster;
  }

  public static void main(String[] args) throws java.io.IOException {
    if (args.length > 0 && "cli".equals(args[0])) {
      io.tributary.cli.Cli.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    ClusterSettings cluster = ClusterSettings.load(System.getenv());
    String[] launch = args;
    if (cluster.enabled()) {
      // the launcher builds a clustered Vert.x only when asked on its command line
      launch = java.util.Arrays.copyOf(args, args.length + 1);
      launch[args.length] = "-cluster";
    }
    int code = new VertxApplication(launch, new Tributary(cluster)).launch();
    if (code != 0) {
      System.exit(code);
    }
    onSignal("TERM");
    onSignal("INT");
  }

  /**
   * SIGTERM / SIGINT run the ordered shutdown while everything is still up, then exit. (The JVM would otherwise
   * start every shutdown hook at once, among them the embedded PostgreSQL's own, which would stop the database
   * under the verticles still using it.)
   */
  private static void onSignal(String name) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
        Thread stopper = new Thread(() -> {
          shutdownGracefully();
          System.exit(0);
        }, "tributary-shutdown");
        stopper.start();
      });
    } catch (IllegalArgumentException unsupported) {
      LOG.debug("Signal {} cannot be handled here; shutdown hooks apply", name);
    }
  }

  private static void shutdownGracefully() {
    MainVerticle app = MainVerticle.running();
    if (app != null) {
      try {
        app.shutdown().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.MINUTES);
      } catch (Exception e) {
        LOG.warn("Graceful shutdown did not complete: {}", e.toString());
      }
    }
  }

  /** A Vert.x builder with the metrics Tributary publishes at /metrics (also used by the tests). */
  public static VertxBuilder vertxBuilder(VertxOptions options) {
    LogContext.init(); // context-local log fields must exist before the Vert.x instance
    // JSON numbers with Jackson's fast parser, rounded exactly like the JDK's (predict bodies are mostly doubles)
    io.vertx.core.json.jackson.DatabindCodec.mapper()
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.USE_FAST_DOUBLE_PARSER);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true))
      .addLabels(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE);
    return Vertx.builder().with(options.setMetricsOptions(metrics)).withMetrics(new MicrometerMetricsFactory());
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    if (cluster.enabled()) {
      LOG.info("Joining the cluster as {}:{} (members {})", cluster.host(), cluster.port(), cluster.members());
      return HazelcastSetup.clustered(vertxBuilder(HazelcastSetup.busOptions(options, cluster)), cluster);
    }
    return vertxBuilder(options);
  }

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return MainVerticle::new;
  }

  /** SIGTERM (or any JVM exit): stop in order within the grace period before Vert.x closes what is left. */
  @Override
  public void beforeStoppingVertx(HookContext context) {
    shutdownGracefully();
  }

  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable t) {
    LOG.error("Tributary could not start: {}", t.getMessage());
  }
}
