package io.tributary.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka 3.9 cluster in this JVM, for embedded mode: one KRaft server acting as broker and controller.
 *
 * <p>Clients connect to the PLAINTEXT listener on 127.0.0.1:{@code port} (also the advertised address, so Kafka CLI
 * tools and any other client on this machine can use it); the controller listens on another free loopback port. The
 * log directory {@code <dataDir>/kafka} is formatted on first start (like {@code kafka-storage format}) and kept, so
 * topics and records survive restarts. Sized for a small machine: 3 partitions per new topic, replication factor 1,
 * a 2 MiB log-cleaner dedupe buffer instead of 128 MiB.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** The port used when the caller does not choose one. */
  public static final int DEFAULT_PORT = 9092;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER = "CONTROLLER";

  private final KafkaRaftServer server;
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Formats {@code <dataDir>/kafka} if needed and starts the server. Blocking: returns once the broker is registered
   * and unfenced, ready for clients (a few seconds).
   *
   * @param dataDir Tributary's data directory
   * @param port the client port on 127.0.0.1; 0 picks a free one
   * @throws PortInUseException when {@code port} is taken
   * @throws IOException when the log directory cannot be prepared or the server does not start
   */
  public static EmbeddedKafka start(Path dataDir, int port) throws IOException {
    Path logDir = dataDir.toAbsolutePath().resolve("kafka");
    Files.createDirectories(logDir);
    int clientPort = port == 0 ? LoopbackPorts.free() : port;
    // a broker just stopped on this port (a restart) may take a moment to release it
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (!LoopbackPorts.isFree(clientPort)) {
      if (System.nanoTime() > deadline) {
        throw new PortInUseException(LoopbackPorts.HOST + ":" + clientPort);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PortInUseException(LoopbackPorts.HOST + ":" + clientPort);
      }
    }
    KafkaConfig config = KafkaConfig.fromProps(properties(logDir, clientPort, LoopbackPorts.free()), false);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(config, logDir);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      stop(server);
      throw new IOException("Kafka server did not start: " + e.getMessage(), e);
    }
    return new EmbeddedKafka(server, clientPort);
  }

  /** The client port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrap() {
    return LoopbackPorts.HOST + ":" + port;
  }

  /** Shuts the server down and waits for it (controlled shutdown, logs flushed); the data stays. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stop(server);
    }
  }

  private static void stop(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Embedded Kafka did not stop cleanly: {}", e.getMessage());
    }
  }

  private static Properties properties(Path logDir, int clientPort, int controllerPort) {
    String host = LoopbackPorts.HOST;
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + host + ":" + clientPort + "," + CONTROLLER + "://" + host + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + clientPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.put("controller.listener.names", CONTROLLER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "3");
    p.put("default.replication.factor", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "10");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "10");
    p.put("auto.create.topics.enable", "true");
    p.put("group.initial.rebalance.delay.ms", "0");
    // the default takes 128 MiB of heap; Kafka requires strictly more than 1 MiB per cleaner thread
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("num.recovery.threads.per.data.dir", "1");
    return p;
  }

  /** What {@code kafka-storage format -t <random id> -c server.properties} does: meta.properties and bootstrap. */
  private static void format(KafkaConfig config, Path logDir) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      new Formatter()
        .setPrintStream(print)
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setControllerListenerName(CONTROLLER)
        .setMetadataLogDirectory(config.metadataLogDir())
        .addDirectory(logDir.toString())
        .run();
    } catch (Exception e) {
      throw new IOException("cannot format the Kafka log directory " + logDir + ": " + e.getMessage(), e);
    }
    LOG.info("{}", out.toString(StandardCharsets.UTF_8).trim());
  }

  /** The requested client port is taken on 127.0.0.1. */
  public static final class PortInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    PortInUseException(String address) {
      super("could not bind " + address + ": port in use");
    }
  }
}
