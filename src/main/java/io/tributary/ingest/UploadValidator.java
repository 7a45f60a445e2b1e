package io.tributary.ingest;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decisions about an upload that need no processing: its source type (declared, from the file name, or
 * sniffed), whether its first bytes fit that type, and its dataset name.
 */
final class UploadValidator {

  static final Pattern NAME = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");
  static final Set<String> TYPES = Set.of("csv", "json", "parquet");
  private static final byte[] PARQUET_MAGIC = {'P', 'A', 'R', '1'};

  private UploadValidator() {
  }

  /** The source type: the declared one, else from the file extension, else sniffed from the first bytes. */
  static String sourceType(String declared, String filename, Buffer head) {
    if (declared != null && !declared.isBlank()) {
      String type = declared.trim().toLowerCase(Locale.ROOT);
      if (!TYPES.contains(type)) {
        throw new ApiException(ErrorCode.VALIDATION_FAILED, "source_type must be one of csv, json, parquet",
          new JsonObject().put("field", "source_type"));
      }
      return type;
    }
    String lower = filename == null ? "" : filename.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".parquet") || lower.endsWith(".pq")) {
      return "parquet";
    }
    if (lower.endsWith(".json") || lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) {
      return "json";
    }
    if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt")) {
      return "csv";
    }
    if (startsWith(head, PARQUET_MAGIC)) {
      return "parquet";
    }
    char first = firstNonBlank(head);
    return first == '[' || first == '{' ? "json" : "csv";
  }

  /** Rejects a file whose first bytes cannot be the given type (415), so garbage never becomes a job. */
  static void checkContent(String type, Buffer head) {
    switch (type) {
      case "parquet" -> {
        if (!startsWith(head, PARQUET_MAGIC)) {
          throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The file is not Parquet (it does not start with PAR1)");
        }
      }
      case "json" -> {
        requireText(head, "JSON");
        char first = firstNonBlank(head);
        if (first != '[' && first != '{') {
          throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "JSON uploads must be an array of objects ('[') or newline-delimited objects ('{')");
        }
      }
      default -> requireText(head, "CSV");
    }
  }

  /** The dataset name: the given one (validated) or the file name made SQL-safe. */
  static String datasetName(String given, String filename) {
    if (given != null && !given.isEmpty()) {
      if (!NAME.matcher(given).matches()) {
        throw new ApiException(ErrorCode.INVALID_NAME,
          "name must match ^[a-z_][a-z0-9_]{0,62}$ (lowercase letters, digits, underscores)",
          new JsonObject().put("field", "name"));
      }
      return given;
    }
    String base = filename == null ? "" : filename.replaceAll(".*[/\\\\]", "");
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    String safe = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_").replaceAll("_+", "_")
      .replaceAll("^_+|_+$", "");
    if (safe.isEmpty()) {
      safe = "dataset";
    }
    if (Character.isDigit(safe.charAt(0))) {
      safe = "_" + safe;
    }
    return safe.length() > 63 ? safe.substring(0, 63) : safe;
  }

  private static void requireText(Buffer head, String what) {
    byte[] bytes = head.getBytes();
    for (byte b : bytes) {
      if (b == 0) {
        throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The file is binary, not " + what + " text");
      }
    }
    int end = bytes.length;
    // the sample may cut a multi-byte character at its end: ignore up to 3 trailing bytes of one
    for (int back = 1; back <= 3 && end - back >= 0; back++) {
      if ((bytes[end - back] & 0xC0) == 0xC0) {
        end -= back;
        break;
      }
      if ((bytes[end - back] & 0x80) == 0) {
        break;
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, end));
    } catch (CharacterCodingException e) {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, what + " uploads must be UTF-8 text");
    }
  }

  private static boolean startsWith(Buffer head, byte[] magic) {
    if (head.length() < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head.getByte(i) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static char firstNonBlank(Buffer head) {
    int i = 0;
    if (head.length() >= 3 && (head.getByte(0) & 0xFF) == 0xEF && (head.getByte(1) & 0xFF) == 0xBB
      && (head.getByte(2) & 0xFF) == 0xBF) {
      i = 3;
    }
    for (; i < head.length(); i++) {
      char c = (char) (head.getByte(i) & 0xFF);
      if (!Character.isWhitespace(c)) {
        return c;
      }
    }
    return 0;
  }
}
