package io.tributary.config;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variables that override {@code conf/config.json}, each mapped to the dotted path of the
 * key it replaces. The value is converted to the type of the default (number, boolean or text). README's
 * configuration table lists the same names.
 */
public final class EnvOverrides {

  /** Environment variable name to dotted config path. */
  public static final Map<String, String> NAMES = names();

  private EnvOverrides() {
  }

  private static Map<String, String> names() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("TRIBUTARY_DATA_DIR", "data_dir");
    m.put("TRIBUTARY_HTTP_HOST", "http.host");
    m.put("TRIBUTARY_HTTP_PORT", "http.port");
    m.put("TRIBUTARY_HTTP_INSTANCES", "http.instances");
    m.put("TRIBUTARY_MAX_UPLOAD_BYTES", "http.max_upload_bytes");
    m.put("TRIBUTARY_MAX_EVENT_BYTES", "http.max_event_bytes");
    m.put("TRIBUTARY_HTTP_HELLO_PORT", "http.hello_port");
    m.put("TRIBUTARY_HTTP_BENCH_WITHOUT_MODULE_GATE_PORT", "http.bench.without_module_gate_port");
    m.put("TRIBUTARY_HTTP_BENCH_WITHOUT_REVOCATION_CHECK_PORT", "http.bench.without_revocation_check_port");
    m.put("TRIBUTARY_HTTP_BENCH_WITHOUT_SEARCH_CACHE_PORT", "http.bench.without_search_cache_port");
    m.put("TRIBUTARY_HTTP_BENCH_WITHOUT_SEARCH_INDEX_PORT", "http.bench.without_search_index_port");
    m.put("TRIBUTARY_ADMIN_EMAIL", "admin.email");
    m.put("TRIBUTARY_ADMIN_PASSWORD", "admin.password");
    m.put("TRIBUTARY_JWT_ISSUER", "auth.issuer");
    m.put("TRIBUTARY_JWT_TTL_HOURS", "auth.token_ttl_hours");
    m.put("TRIBUTARY_JWT_PRIVATE_KEY_FILE", "auth.private_key_file");
    m.put("TRIBUTARY_JWT_PUBLIC_KEY_FILE", "auth.public_key_file");
    m.put("TRIBUTARY_PG_URL", "postgres.url");
    m.put("TRIBUTARY_PG_POOL_SIZE", "postgres.pool_size");
    m.put("TRIBUTARY_REDIS_URL", "redis.url");
    m.put("TRIBUTARY_REDIS_COMMAND_TIMEOUT_MS", "redis.command_timeout_ms");
    m.put("TRIBUTARY_KAFKA_BOOTSTRAP", "kafka.bootstrap");
    m.put("TRIBUTARY_KAFKA_EMBEDDED_PORT", "kafka.embedded_port");
    m.put("TRIBUTARY_KAFKA_NAMESPACE", "kafka.namespace");
    m.put("TRIBUTARY_CLUSTER_ENABLED", "cluster.enabled");
    m.put("TRIBUTARY_CLUSTER_MEMBERS", "cluster.members");
    m.put("TRIBUTARY_CLUSTER_HOST", "cluster.host");
    m.put("TRIBUTARY_CLUSTER_PORT", "cluster.port");
    m.put("TRIBUTARY_CLUSTER_BUS_PORT", "cluster.bus_port");
    m.put("TRIBUTARY_CLUSTER_KUBERNETES_ENABLED", "cluster.kubernetes.enabled");
    m.put("TRIBUTARY_CLUSTER_KUBERNETES_NAMESPACE", "cluster.kubernetes.namespace");
    m.put("TRIBUTARY_CLUSTER_KUBERNETES_SERVICE_NAME", "cluster.kubernetes.service_name");
    m.put("TRIBUTARY_LAKE_URL", "lake.url");
    m.put("TRIBUTARY_LAKE_ENDPOINT", "lake.endpoint");
    m.put("TRIBUTARY_LAKE_REGION", "lake.region");
    m.put("TRIBUTARY_LAKE_ACCESS_KEY", "lake.access_key");
    m.put("TRIBUTARY_LAKE_SECRET_KEY", "lake.secret_key");
    m.put("TRIBUTARY_LAKE_CACHE_MAX_BYTES", "lake.cache_max_bytes");
    m.put("TRIBUTARY_LAKE_RETRY_MS", "lake.retry_ms");
    m.put("TRIBUTARY_MAX_CONCURRENT_JOBS", "ingest.max_concurrent_jobs");
    m.put("TRIBUTARY_JOB_LEASE_SECONDS", "ingest.job_lease_seconds");
    m.put("TRIBUTARY_RESTORE_COMMIT_DELAY_MS", "collection.restore_commit_delay_ms");
    m.put("TRIBUTARY_TRANSFORM_INSTANCES", "transform.instances");
    m.put("TRIBUTARY_TRANSFORM_WARMUP_ROWS", "transform.warmup_rows");
    m.put("TRIBUTARY_TRANSFORM_MEMORY_LIMIT", "transform.memory_limit");
    m.put("TRIBUTARY_MAX_COLUMNS", "transform.max_columns");
    m.put("TRIBUTARY_MAX_FIELD_CHARS", "transform.max_field_chars");
    m.put("TRIBUTARY_MAX_LINE_CHARS", "transform.max_line_chars");
    m.put("TRIBUTARY_MAX_JSON_DEPTH", "transform.max_json_depth");
    m.put("TRIBUTARY_MAX_NUMBER_LENGTH", "transform.max_number_length");
    m.put("TRIBUTARY_PROFILE_MEMORY_LIMIT", "profile.memory_limit");
    m.put("TRIBUTARY_PROFILE_THREADS", "profile.threads");
    m.put("TRIBUTARY_PROFILE_WARMUP_ROWS", "profile.warmup_rows");
    m.put("TRIBUTARY_QUERY_INSTANCES", "query.instances");
    m.put("TRIBUTARY_QUERY_MEMORY_LIMIT", "query.memory_limit");
    m.put("TRIBUTARY_QUERY_THREADS", "query.threads");
    m.put("TRIBUTARY_QUERY_TIMEOUT_MS", "query.timeout_ms");
    m.put("TRIBUTARY_QUERY_MAX_LIMIT", "query.max_limit");
    m.put("TRIBUTARY_QUERY_CACHE_TTL_SECONDS", "query.cache_ttl_seconds");
    m.put("TRIBUTARY_RATE_LIMIT_FREE", "rate_limit.free_per_hour");
    m.put("TRIBUTARY_RATE_LIMIT_PREMIUM", "rate_limit.premium_per_hour");
    m.put("TRIBUTARY_RATE_LIMIT_FAIL_OPEN", "rate_limit.fail_open");
    m.put("TRIBUTARY_RATE_LIMIT_API_FREE", "rate_limit.classes.api.free_per_hour");
    m.put("TRIBUTARY_RATE_LIMIT_API_PREMIUM", "rate_limit.classes.api.premium_per_hour");
    m.put("TRIBUTARY_RATE_LIMIT_UPLOAD_FREE", "rate_limit.classes.upload.free_per_hour");
    m.put("TRIBUTARY_RATE_LIMIT_UPLOAD_PREMIUM", "rate_limit.classes.upload.premium_per_hour");
    m.put("TRIBUTARY_LLM_BASE_URL", "llm.base_url");
    m.put("TRIBUTARY_LLM_MODEL", "llm.model");
    m.put("TRIBUTARY_LLM_API_KEY", "llm.api_key");
    m.put("TRIBUTARY_SEARCH_EMBEDDINGS_URL", "search.embeddings.url");
    m.put("TRIBUTARY_SEARCH_EMBEDDINGS_MODEL", "search.embeddings.model");
    m.put("TRIBUTARY_SEARCH_EMBEDDINGS_API_KEY", "search.embeddings.api_key");
    m.put("TRIBUTARY_FLAGS_OVERRIDE", "flags.override");
    m.put("TRIBUTARY_FLAG_ROLLOUT", "flags.rollout");
    m.put("TRIBUTARY_SHUTDOWN_GRACE_SECONDS", "shutdown.grace_seconds");
    m.put("TRIBUTARY_STREAM_FLUSH_RECORDS", "stream.flush_records");
    m.put("TRIBUTARY_STREAM_FLUSH_MS", "stream.flush_ms");
    m.put("TRIBUTARY_STREAM_WRITER_THREADS", "stream.writer_threads");
    m.put("TRIBUTARY_SOCKET_BACKLOG_RECORDS", "fanout.socket_backlog_records");
    m.put("TRIBUTARY_SOCKET_BACKLOG_BYTES", "fanout.socket_backlog_bytes");
    m.put("TRIBUTARY_ML_TRAIN_TIMEOUT_MS", "ml.train_timeout_ms");
    m.put("TRIBUTARY_ML_TRAIN_INSTANCES", "ml.train_instances");
    m.put("TRIBUTARY_ML_THREADS", "ml.threads");
    m.put("TRIBUTARY_ML_MEMORY_LIMIT", "ml.memory_limit");
    m.put("TRIBUTARY_ML_MAX_CLASSES", "ml.max_classes");
    m.put("TRIBUTARY_SOURCES_ALLOWED_HOSTS", "sources.allowed_hosts");
    m.put("TRIBUTARY_SOURCES_ENCRYPTION_KEY", "sources.encryption_key");
    m.put("TRIBUTARY_SOURCES_ENCRYPTION_KEY_FILE", "sources.encryption_key_file");
    return Map.copyOf(m);
  }

  /** Returns {@code config} with every set variable of {@link #NAMES} applied (in place). */
  public static JsonObject apply(JsonObject config, Map<String, String> env) {
    NAMES.forEach((name, path) -> {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        set(config, path, value.trim());
      }
    });
    return config;
  }

  private static void set(JsonObject config, String path, String value) {
    String[] parts = path.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    String key = parts[parts.length - 1];
    node.put(key, convert(node.getValue(key), value, path));
  }

  private static Object convert(Object defaultValue, String value, String path) {
    try {
      if (defaultValue instanceof Integer) {
        return Integer.parseInt(value);
      }
      if (defaultValue instanceof Number) {
        return Long.parseLong(value);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Configuration " + path + " expects a whole number, got '" + value + "'");
    }
    if (defaultValue instanceof io.vertx.core.json.JsonArray) {
      // a list: comma-separated
      io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          list.add(item.trim());
        }
      }
      return list;
    }
    if (defaultValue instanceof Boolean) {
      return Boolean.parseBoolean(value);
    }
    return value;
  }
}
