package io.tributary.query;

import io.micrometer.core.instrument.Counter;
import io.tributary.metrics.Metrics;
import io.tributary.redis.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Query results in Redis. The key hashes the user, the normalised SQL, the limit and the versions of the
 * datasets the text mentions, so a new upload of a dataset makes its old entries unreachable (they expire by
 * TTL). Redis trouble never fails a query: the cache is then bypassed (counted as errors).
 */
public final class QueryCache {

  private static final Logger LOG = LoggerFactory.getLogger(QueryCache.class);

  private final RedisLink redis;
  private final long ttlSeconds;
  private final long maxEntryBytes;
  private final NearCache near;

  /**
   * @param config the {@code query} section: {@code cache_ttl_seconds}, {@code cache_max_entry_bytes},
   *               {@code near_cache_bytes} (this instance's in-memory copy of the hottest entries; 0 turns it off)
   */
  public QueryCache(RedisLink redis, JsonObject config) {
    this.redis = redis;
    this.ttlSeconds = config.getLong("cache_ttl_seconds", 300L);
    this.maxEntryBytes = config.getLong("cache_max_entry_bytes", 2_097_152L);
    this.near = new NearCache(config.getLong("near_cache_bytes", 33_554_432L), ttlSeconds);
  }

  /**
   * The cache key of a query over these tables: the datasets its text names ({@link QueryTables#mentionedIn}), so the
   * text is not searched for names again here.
   */
  public static String key(UUID user, String sql, int limit, JsonArray tables) {
    String normalized = SqlText.normalize(sql);
    TreeMap<String, Integer> versions = new TreeMap<>();
    for (Object o : tables) {
      JsonObject t = (JsonObject) o;
      versions.put(t.getString("name") + "@" + t.getString("dataset_id"), t.getInteger("version"));
    }
    return "tributary:qc:" + sha256(user + "\n" + limit + "\n" + versions + "\n" + normalized);
  }

  /** The key of a value derived from other cached entries, made of their keys (and anything else it depends on). */
  public static String derivedKey(java.util.List<String> parts) {
    return "tributary:qc:d:" + sha256(String.join("\n", parts));
  }

  /** The cached result, or null (miss or Redis unavailable). */
  public Future<Buffer> get(String key) {
    if (ttlSeconds <= 0) {
      return Future.succeededFuture(null);
    }
    Buffer local = near.get(key);
    if (local != null) {
      count("hit");
      return Future.succeededFuture(local);
    }
    return redis.send(Request.cmd(Command.GET).arg(key))
      .map(r -> {
        count(r == null ? "miss" : "hit");
        if (r == null) {
          return null;
        }
        Buffer value = r.toBuffer();
        near.put(key, value);
        return value;
      })
      .otherwise(err -> {
        count("error");
        LOG.debug("Query cache bypassed: {}", err.getMessage());
        return null;
      });
  }

  /** Stores a result (fire and forget; entries over the size bound are not cached). */
  public void put(String key, Buffer value) {
    if (ttlSeconds > 0 && value.length() <= maxEntryBytes) {
      near.put(key, value);
      redis.send(Request.cmd(Command.SET).arg(key).arg(value).arg("EX").arg(ttlSeconds))
        .onFailure(err -> count("error"));
    }
  }

  private static final java.util.Map<String, Counter> LOOKUPS = new java.util.concurrent.ConcurrentHashMap<>();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private static void count(String outcome) {
    LOOKUPS.computeIfAbsent(outcome, o -> Counter.builder("tributary_query_cache")
      .description("Query cache lookups by outcome (hit, miss, error)").tag("outcome", o)
      .register(Metrics.registry())).increment();
  }

  private static String sha256(String s) {
    return HexFormat.of().formatHex(SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
