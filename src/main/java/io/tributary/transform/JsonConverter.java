package io.tributary.transform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.tributary.transform.InputLimits.Limit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON to Parquet: an array of objects (first character {@code [}) or newline-delimited objects ({@code {}),
 * streamed with Jackson in two passes (columns and types, then rows). Columns are the union of keys in
 * first-seen order. Types: integers → BIGINT, numbers with a fraction → DOUBLE (integers mixed in widen to
 * DOUBLE), booleans → BOOLEAN, strings → VARCHAR (no date detection in JSON strings), any other mix →
 * VARCHAR holding each value's JSON text; objects and arrays are kept as compact JSON text (VARCHAR); null or
 * a missing key → NULL. A line of NDJSON that is not one JSON object is a bad row (the job fails naming the
 * line, or the line is skipped with on_error=skip); a syntax error inside an array cannot be skipped (the
 * parser cannot find the next element), so it always fails the job with its line. The {@link InputLimits} bound
 * nesting, string and number lengths (Jackson's {@link StreamReadConstraints}), nested values kept as text, keys
 * (columns) and NDJSON lines; crossing one fails the job naming the limit and the line, in either mode. Where the
 * second pass would give only values DuckDB reads the same way, DuckDB writes the file instead ({@link
 * JsonDirectCopy}); the scan has checked every object by then, so errors and limits are the same either way. NDJSON
 * whose every line is one object is scanned a line at a time from its bytes, each line parsed once ({@link
 * JsonLineScan}); a file with any other line is scanned again the exact way, which names or skips that line.
 */
final class JsonConverter {

  private static final int LONG = 1;
  private static final int DOUBLE = 2;
  private static final int BOOL = 4;
  private static final int TEXT = 8;
  /** Objects, arrays and integers beyond 64 bits: VARCHAR, as their JSON text. */
  private static final int JSON_TEXT = 16;

  private final JsonLimits json;
  private final JsonFactory factory;
  private final InputLimits limits;
  private final ConvertRequest request;
  private final ProgressListener progress;
  private final long size;
  private final Map<String, Integer> columns = new LinkedHashMap<>();
  private final List<Integer> seen = new ArrayList<>();
  private final List<String> order = new ArrayList<>(); // the keys of columns by index
  private JsonTallies tallies = new JsonTallies();
  private final boolean allowDirect;
  private final boolean lineScan;
  /** The COPY started during the line scan, until it is taken or dropped. */
  private JsonEarlyCopy early;
  private boolean array;
  private boolean bom;
  private long longestObject;

  /**
   * @param allowDirect whether DuckDB may write the file where it gives the same values (false: always Java)
   * @param lineScan    whether NDJSON may be scanned a line at a time from its bytes (false: always the exact reading)
   */
  JsonConverter(ConvertRequest request, ProgressListener progress, boolean allowDirect, boolean lineScan)
      throws IOException {
    this.allowDirect = allowDirect;
    this.lineScan = lineScan;
    this.request = request;
    int[] last = {-1};
    this.progress = percent -> { // the exact reading after the line scan starts again from 0: never report less
      if (percent > last[0]) {
        last[0] = percent;
        progress.progress(percent);
      }
    };
    this.size = Files.size(request.input());
    this.limits = request.limits();
    this.json = new JsonLimits(limits);
    this.factory = json.factory();
  }

  /** Receives each object of the input, the parser on its START_OBJECT. */
  private interface ObjectHandler {
    void object(JsonParser parser) throws IOException;
  }

  ConvertResult convert() throws ConversionException, IOException {
    try {
      return scanAndWrite();
    } finally {
      if (early != null) {
        early.close();
      }
    }
  }

  private ConvertResult scanAndWrite() throws ConversionException, IOException {
    long[] counts = lineScan();
    if (counts == null) {
      if (early != null) {
        early.close();
        early = null;
      }
      columns.clear();
      order.clear();
      seen.clear();
      tallies = new JsonTallies();
      longestObject = 0;
      counts = forEachObject(0, 40, this::scan);
    }
    if (columns.isEmpty() && counts[0] == 0 && counts[1] == 0) {
      throw new ConversionException("the file holds no JSON objects");
    }
    List<String> names = new ArrayList<>(columns.keySet());
    List<ColumnKind> kinds = new ArrayList<>();
    List<Schema> types = new ArrayList<>();
    for (int mask : seen) {
      ColumnKind kind = kind(mask);
      kinds.add(kind);
      types.add(kind.avro());
    }
    JsonEarlyCopy started = early;
    early = null;
    if (started != null && !direct(counts[1])) {
      started.close();
    }
    if (direct(counts[1]) && (started != null && started.take(request, names, kinds, counts[0])
        || JsonDirectCopy.copy(request, array, names, kinds, longestObject, counts[0]))) {
      progress.progress(99);
      return new ConvertResult(counts[0], 0, specs(names, kinds), Files.size(request.outputFile()));
    }
    Schema schema = ParquetSink.recordSchema(names, types);
    try (ParquetSink sink = ParquetSink.open(request.outputFile(), schema, GenericData.get())) {
      GenericData.Record record = new GenericData.Record(schema);
      long[] written = forEachObject(40, 99, parser -> {
        for (int i = 0; i < names.size(); i++) {
          record.put(i, null);
        }
        fill(parser, record, kinds);
        sink.write(record);
      });
      long bytes = sink.commit();
      return new ConvertResult(written[0], written[1], specs(names, kinds), bytes);
    }
  }

  /**
   * Whether DuckDB may write the file ({@link JsonDirectCopy}): every object was taken, no byte order mark, and no
   * VARCHAR column holds anything but strings, so no value needs the Java writer's JSON text.
   */
  private boolean direct(long rejected) {
    if (!allowDirect || rejected > 0 || bom) {
      return false;
    }
    for (int mask : seen) {
      if (kind(mask) == ColumnKind.VARCHAR && (mask & ~TEXT) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The columns, with the distinct counts the scan tallied. */
  private List<ColumnSpec> specs(List<String> names, List<ColumnKind> kinds) {
    List<ColumnSpec> specs = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      int mask = seen.get(i);
      specs.add(new ColumnSpec(names.get(i), kinds.get(i).sqlName,
        tallies.count(i, kinds.get(i), mask != 0 && (mask & ~TEXT) == 0, names.size())));
    }
    return specs;
  }

  private static ColumnKind kind(int mask) {
    if (mask == 0) {
      return ColumnKind.VARCHAR;
    }
    if (mask == LONG) {
      return ColumnKind.BIGINT;
    }
    if ((mask & ~(LONG | DOUBLE)) == 0) {
      return ColumnKind.DOUBLE;
    }
    if (mask == BOOL) {
      return ColumnKind.BOOLEAN;
    }
    return ColumnKind.VARCHAR;
  }

  /** Pass 1: the columns and the kinds of value each holds. */
  private void scan(JsonParser p) throws IOException {
    tallies.object();
    long start = offset(p.currentTokenLocation());
    int next = 0; // the column after the previous key: its key is the same String (Jackson's canonical names)
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      Integer index = next < order.size() && order.get(next) == name ? Integer.valueOf(next) : columns.get(name);
      if (index == null) {
        if (columns.size() == limits.maxColumns()) {
          throw limits.beyond(Limit.COLUMNS, "line " + p.currentLocation().getLineNr(), "the objects have more than",
            "Split the data into files of fewer keys");
        }
        index = columns.size();
        columns.put(name, index);
        order.add(name);
        seen.add(0);
      }
      next = index + 1;
      JsonToken t = p.nextToken();
      int mask = switch (t) {
        case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? JSON_TEXT : LONG;
        case VALUE_NUMBER_FLOAT -> DOUBLE;
        case VALUE_TRUE, VALUE_FALSE -> BOOL;
        case VALUE_NULL -> 0;
        case VALUE_STRING -> TEXT;
        default -> JSON_TEXT;
      };
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        p.skipChildren();
      } else if (t == JsonToken.VALUE_STRING && p.getTextLength() > limits.maxFieldChars()) {
        // Jackson checks a string's length only when its text is read: the scan checks it for the direct copy
        throw limits.beyond(Limit.FIELD, "line " + p.currentLocation().getLineNr(), "a string is longer than",
          "Shorten the value");
      }
      seen.set(index, seen.get(index) | mask);
      tallies.add(index, t, p);
    }
    longestObject = Math.max(longestObject, offset(p.currentLocation()) - start);
  }

  /** Characters into the input, or bytes where the parser reads bytes (at least as many). */
  private static long offset(JsonLocation at) {
    return at.getCharOffset() >= 0 ? at.getCharOffset() : at.getByteOffset();
  }

  /** Pass 2: one object's values into the record, converted to the column kinds. */
  private void fill(JsonParser p, GenericData.Record record, List<ColumnKind> kinds) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      int i = columns.get(p.currentName());
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        record.put(i, null);
        continue;
      }
      record.put(i, switch (kinds.get(i)) {
        case BIGINT -> p.getLongValue();
        case DOUBLE -> p.getDoubleValue();
        case BOOLEAN -> p.getBooleanValue();
        default -> t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY ? json.nestedText(p) : p.getText();
      });
    }
  }

  /**
   * The scan of NDJSON whose lines are each one object, each line parsed once ({@link JsonLineScan}); null for a JSON
   * array, or when a line needs the exact reading.
   */
  private long[] lineScan() throws IOException {
    if (!lineScan || head() != '{') {
      return null;
    }
    try (InputStream in = new Progress(Files.newInputStream(request.input()), size, 0, 40, progress)) {
      in.skipNBytes(bom ? 3 : 0);
      long[] objects = {0};
      Long rows = new JsonLineScan(factory, limits.maxLineChars()).scan(in, p -> {
        scan(p);
        if (++objects[0] == JsonEarlyCopy.AFTER_OBJECTS && direct(0)) { // the COPY need not wait for the scan's end
          List<ColumnKind> kinds = new ArrayList<>();
          seen.forEach(mask -> kinds.add(kind(mask)));
          early = JsonEarlyCopy.start(request, new ArrayList<>(columns.keySet()), kinds, longestObject);
        }
      });
      return rows == null ? null : new long[] {rows, 0};
    }
  }

  /** Sets {@code bom} and {@code array}; returns the first character after the BOM and whitespace, or -1. */
  private int head() throws IOException {
    byte[] head;
    try (InputStream peek = Files.newInputStream(request.input())) {
      head = peek.readNBytes(64 * 1024);
    }
    int bomBytes = head.length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF ? 3 : 0;
    int first = -1;
    bom = bomBytes > 0;
    for (int i = bomBytes; i < head.length && first < 0; i++) {
      if (!Character.isWhitespace(head[i])) {
        first = head[i];
      }
    }
    array = first == '[';
    return first;
  }

  /** Calls the handler for each object; returns {rows, rejected}. */
  private long[] forEachObject(int from, int to, ObjectHandler handler) throws ConversionException, IOException {
    int first = head();
    int bomBytes = bom ? 3 : 0;
    try (InputStream in = new Progress(new BufferedInputStream(Files.newInputStream(request.input()), 1 << 16), size,
      from, to, progress)) {
      in.skipNBytes(bomBytes);
      if (array) {
        return array(in, handler);
      }
      if (first == '{') {
        return lines(in, handler);
      }
      throw new ConversionException(first < 0 ? "the file is empty"
        : "JSON must be an array of objects ('[') or one object per line ('{')");
    }
  }

  private long[] array(InputStream in, ObjectHandler handler) throws ConversionException, IOException {
    long rows = 0;
    long rejected = 0;
    JsonParser parser = null;
    try (JsonParser p = factory.createParser(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      parser = p;
      p.nextToken();
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new ConversionException("line " + p.currentLocation().getLineNr() + ": the JSON array is not closed");
        }
        if (t == JsonToken.START_OBJECT) {
          handler.object(p);
          rows++;
        } else {
          if (!request.skipBadRows()) {
            throw new ConversionException("line " + p.currentLocation().getLineNr()
              + ": array element is not an object (upload with on_error=skip to skip such elements)");
          }
          p.skipChildren();
          rejected++;
        }
      }
      if (p.nextToken() != null) {
        throw new ConversionException("line " + p.currentLocation().getLineNr() + ": unexpected content after the array");
      }
    } catch (StreamConstraintsException e) {
      throw json.refusal(e, parser == null ? -1 : parser.currentLocation().getLineNr());
    } catch (JsonParseException e) {
      throw new ConversionException("line " + e.getLocation().getLineNr() + ": invalid JSON: " + e.getOriginalMessage()
        + " (a broken array cannot be skipped: fix the file or send one object per line)");
    } catch (InputLimitException e) {
      throw new ConversionException(e.getMessage());
    }
    return new long[] {rows, rejected};
  }

  /** NDJSON: each non-blank line is checked whole before the handler sees it, so a bad line changes nothing. */
  private long[] lines(InputStream in, ObjectHandler handler) throws ConversionException, IOException {
    long rows = 0;
    long rejected = 0;
    BoundedLineReader reader = new BoundedLineReader(new InputStreamReader(in, StandardCharsets.UTF_8),
      limits.maxLineChars(), n -> limits.beyond(Limit.LINE, "line " + n, "the line is longer than",
        "Shorten the line (one object per line)"));
    String line;
    try {
      while ((line = reader.readLine()) != null) {
        long lineNo = reader.lineNo();
        if (line.isBlank()) {
          continue;
        }
        try {
          String problem = JsonLineScan.problem(factory, line);
          if (problem == null) {
            try (JsonParser p = factory.createParser(line)) {
              p.nextToken();
              handler.object(p);
            }
            rows++;
          } else if (request.skipBadRows()) {
            rejected++;
          } else {
            throw new ConversionException("line " + lineNo + ": " + problem
              + " (upload with on_error=skip to skip such lines)");
          }
        } catch (StreamConstraintsException e) {
          throw json.refusal(e, lineNo);
        } catch (InputLimitException e) {
          throw new ConversionException(e.getMessage().replaceFirst("^line \\d+", "line " + lineNo));
        }
      }
    } catch (InputLimitException e) {
      throw new ConversionException(e.getMessage());
    }
    return new long[] {rows, rejected};
  }
}
