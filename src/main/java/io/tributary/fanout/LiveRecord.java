package io.tributary.fanout;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One message on its way to sockets: a stream record (type {@code update}) or a job event. It is shared by every
 * socket that receives it: validated and parsed at most once (only sockets with filters or conflation need the
 * parse), and its socket message {@code {"type":...,"data":<value>,"timestamp":...}} encoded at most once.
 * Thread-safe: the HTTP instances race benignly to fill the caches.
 */
public final class LiveRecord {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Object BAD = new Object();

  private final String type;
  private final byte[] value;
  private final String key;
  private final long timestampMs;
  private final long arrivedNanos = System.nanoTime();
  private volatile Object parsed;
  private volatile Boolean valid;
  private volatile TextFrame frame;
  private volatile Tagged tagged;

  /** The last tagged frame built (records of a stream are mostly tagged with one visualization). */
  private record Tagged(String tag, TextFrame frame) {
  }

  private LiveRecord(String type, byte[] value, String key, long timestampMs) {
    this.type = type;
    this.value = value == null ? new byte[0] : value;
    this.key = key;
    this.timestampMs = timestampMs;
  }

  /** A stream record: its value (a JSON object, else never sent), Kafka key and timestamp. */
  public static LiveRecord update(byte[] value, String key, long timestampMs) {
    return new LiveRecord("update", value, key, timestampMs);
  }

  /** A socket message of {@code type} carrying {@code data}, stamped {@code timestampMs}. */
  public static LiveRecord message(String type, JsonObject data, long timestampMs) {
    LiveRecord r = new LiveRecord(type, data.toBuffer().getBytes(), null, timestampMs);
    r.valid = Boolean.TRUE;
    r.parsed = data;
    return r;
  }

  /** Whether the value is one JSON object (anything else is not sent to sockets). */
  public boolean valid() {
    Boolean v = valid;
    if (v == null) {
      v = isObject(value);
      valid = v;
    }
    return v;
  }

  /** The value as a JSON object, or null when it is not one. */
  public JsonObject data() {
    Object p = parsed;
    if (p == null) {
      try {
        Object v = Json.decodeValue(Buffer.buffer(value));
        p = v instanceof JsonObject ? v : BAD;
      } catch (DecodeException e) {
        p = BAD;
      }
      parsed = p;
    }
    return p == BAD ? null : (JsonObject) p;
  }

  /** The socket message of this record alone, as a frame. */
  TextFrame frame() {
    TextFrame f = frame;
    if (f == null) {
      f = TextFrame.of("{\"type\":\"" + type + "\",\"data\":" + new String(value, StandardCharsets.UTF_8).strip()
        + ",\"timestamp\":\"" + Instant.ofEpochMilli(timestampMs) + "\"}");
      frame = f;
    }
    return f;
  }

  /** The socket message of this record with {@code "viz_id": tag} first in its data, as a frame. */
  TextFrame frame(String tag) {
    Tagged t = tagged;
    if (t == null || !t.tag().equals(tag)) {
      t = new Tagged(tag, TextFrame.of("{\"type\":\"" + type + "\",\"data\":"
        + new String(taggedValue(tag), StandardCharsets.UTF_8) + ",\"timestamp\":\"" + Instant.ofEpochMilli(timestampMs)
        + "\"}"));
      tagged = t;
    }
    return t.frame();
  }

  /** The value (a valid JSON object) with {@code "viz_id": tag} as its first field, stripped of outer spaces. */
  byte[] taggedValue(String tag) {
    String v = new String(value, StandardCharsets.UTF_8).strip();
    String rest = v.substring(1).stripLeading();
    String field = "{\"viz_id\":" + io.vertx.core.json.Json.encode(tag);
    return (rest.startsWith("}") ? field + "}" : field + "," + rest).getBytes(StandardCharsets.UTF_8);
  }

  /** The value's bytes (a JSON object when {@link #valid()}). */
  byte[] value() {
    return value;
  }

  /** Whether this is a stream record (not a job event). */
  boolean streamRecord() {
    return "update".equals(type);
  }

  /** The Kafka record key, or null. */
  public String key() {
    return key;
  }

  /** The bytes this record holds in a backlog. */
  int size() {
    return value.length + 64;
  }

  /** When the producer sent it (the Kafka record timestamp), epoch milliseconds. */
  public long timestampMs() {
    return timestampMs;
  }

  /** When this process received it ({@link System#nanoTime()}). */
  public long arrivedNanos() {
    return arrivedNanos;
  }

  /** One JSON object and nothing else, checked without building it. */
  private static boolean isObject(byte[] bytes) {
    try (JsonParser parser = JSON.createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }
}
