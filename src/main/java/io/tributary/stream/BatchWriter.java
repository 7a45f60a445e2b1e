package io.tributary.stream;

import io.tributary.transform.ParquetCodecs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.avro.NameValidator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns one micro-batch of a stream into one Parquet part file (parquet-avro, snappy): every record that parses
 * as a JSON object becomes a row; the others are returned as dead letters with their reason. Column types are
 * the stream's schema widened by this batch; the part holds the columns this batch has, each with its widened
 * type. The file appears under its final name only when complete. Two steps, both on a worker: {@link #parse}
 * (CPU only, run on each poll's records while the batch fills) and {@link #write} (the part file).
 */
final class BatchWriter {

  /** One record of a batch: its raw value and where it came from. */
  record Input(byte[] value, int partition, long offset) {
  }

  /** A record that could not become a row. */
  record DeadLetter(Input input, String reason) {
  }

  /** What a batch produced (no file when every record was a dead letter). */
  record Result(Path file, long rows, long sizeBytes, StreamSchema schema, StreamProfile stats, List<DeadLetter> dead) {
  }

  private BatchWriter() {
  }

  /**
   * Records of a batch parsed ahead of its write (on the writer pool, while the batch still fills): their rows and
   * dead letters in order, and per column in first-seen order what its values say (see {@link #write}).
   */
  static final class Parsed {
    final List<Map<String, Object>> rows;
    final List<DeadLetter> dead = new ArrayList<>();
    final LinkedHashMap<String, Seen> seen = new LinkedHashMap<>();

    private Parsed(int size) {
      rows = new ArrayList<>(size);
    }
  }

  /**
   * One column in a run of records: the widened type of its values (null: only nulls), whether its first value
   * was null, and (after the parse) the statistics of its values converted to that type.
   */
  private static final class Seen {
    String type;
    final boolean nullFirst;
    ColumnStats stats;

    Seen(String type, boolean nullFirst) {
      this.type = type;
      this.nullFirst = nullFirst;
    }
  }

  /** Parses records into rows (CPU only, no I/O); those that are not JSON objects become dead letters. */
  static Parsed parse(List<Input> inputs) {
    Parsed parsed = new Parsed(inputs.size());
    for (Input in : inputs) {
      try {
        Map<String, Object> row = RecordParser.parse(in.value());
        for (Map.Entry<String, Object> e : row.entrySet()) {
          String type = StreamSchema.typeOf(e.getValue());
          Seen seen = parsed.seen.get(e.getKey());
          if (seen == null) {
            parsed.seen.put(e.getKey(), new Seen(type, type == null));
          } else if (type != null && !type.equals(seen.type)) {
            seen.type = StreamSchema.widen(seen.type, type);
          }
        }
        parsed.rows.add(row);
      } catch (RecordParser.BadRecord bad) {
        parsed.dead.add(new DeadLetter(in, bad.getMessage()));
      }
    }
    // statistics here too, off the write's path; the write keeps them where the column's type stays this one
    parsed.seen.forEach((name, seen) -> {
      if (seen.type != null) {
        seen.stats = new ColumnStats(seen.type);
        for (Map<String, Object> row : parsed.rows) {
          Object value = row.get(name);
          if (value != null) {
            seen.stats.add(StreamSchema.convert(value, seen.type));
          }
        }
      }
    });
    return parsed;
  }

  /** The statistics of a column from its parsed runs, or null when a run typed it otherwise (they are recomputed). */
  private static ColumnStats parsedStats(List<Parsed> parts, String name, String type) {
    ColumnStats merged = new ColumnStats(type);
    for (Parsed p : parts) {
      Seen s = p.seen.get(name);
      if (s != null && s.type != null) {
        if (!s.type.equals(type)) {
          return null;
        }
        merged.merge(s.stats);
      }
    }
    return merged;
  }

  /**
   * Writes the parsed records of one batch (in order) as a part file. A column new to the stream whose first
   * value in the batch is null is text (VARCHAR) until values say otherwise; otherwise columns take the type of
   * their values, widened with the stream's.
   */
  static Result write(List<Parsed> parts, StreamSchema current, Path partsDir) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    List<DeadLetter> dead = new ArrayList<>();
    LinkedHashMap<String, Seen> seen = new LinkedHashMap<>();
    for (Parsed p : parts) {
      rows.addAll(p.rows);
      dead.addAll(p.dead);
      p.seen.forEach((name, s) -> {
        Seen mine = seen.get(name);
        if (mine == null) {
          seen.put(name, new Seen(s.type, s.nullFirst));
        } else if (s.type != null) {
          mine.type = StreamSchema.widen(mine.type, s.type);
        }
      });
    }
    StreamSchema batch = new StreamSchema();
    seen.forEach((name, s) -> {
      if (s.nullFirst && current.type(name) == null) {
        batch.accept(name, StreamSchema.VARCHAR); // only nulls so far: text until a value says otherwise
      } else if (s.type != null) {
        batch.accept(name, s.type);
      }
    });
    StreamSchema merged = StreamSchema.fromJson(current.toJson());
    merged.merge(batch);
    StreamProfile stats = new StreamProfile();
    stats.rows = rows.size();
    if (rows.isEmpty()) {
      return new Result(null, 0, 0, merged, stats, dead);
    }
    // the part's columns: those this batch has, typed as the widened stream schema says
    LinkedHashMap<String, String> columns = new LinkedHashMap<>();
    merged.columns().forEach((name, type) -> {
      if (batch.type(name) != null) {
        columns.put(name, type);
        stats.columns.put(name, new ColumnStats(type));
      }
    });
    Files.createDirectories(partsDir);
    Path file = partsDir.resolve(UUID.randomUUID() + ".parquet");
    Path temp = partsDir.resolve(file.getFileName() + ".tmp");
    String[] names = columns.keySet().toArray(new String[0]);
    String[] types = columns.values().toArray(new String[0]);
    ColumnStats[] columnStats = new ColumnStats[names.length];
    boolean[] counted = new boolean[names.length];
    for (int i = 0; i < names.length; i++) {
      ColumnStats parsed = parsedStats(parts, names[i], types[i]);
      counted[i] = parsed != null;
      if (counted[i]) {
        stats.columns.put(names[i], parsed);
      }
      columnStats[i] = stats.columns.get(names[i]);
    }
    Schema schema = avroSchema(columns);
    try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(temp))
      .withSchema(schema)
      .withDataModel(GenericData.get())
      .withConf(new PlainParquetConfiguration())
      .withCodecFactory(ParquetCodecs.INSTANCE)
      .withCompressionCodec(CompressionCodecName.SNAPPY)
      .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
      .build()) {
      GenericData.Record record = new GenericData.Record(schema);
      for (Map<String, Object> row : rows) {
        for (int i = 0; i < names.length; i++) {
          Object value = StreamSchema.convert(row.get(names[i]), types[i]);
          record.put(i, value);
          if (value != null && !counted[i]) {
            columnStats[i].add(value);
          }
        }
        writer.write(record);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    return new Result(file, rows.size(), Files.size(file), merged, stats, dead);
  }

  /** Nullable fields named exactly as the JSON keys (Avro's name validation is off for this schema only). */
  private static Schema avroSchema(Map<String, String> columns) {
    JsonArray fields = new JsonArray();
    columns.forEach((name, type) -> fields.add(new JsonObject().put("name", name)
      .put("type", new JsonArray().add("null").add(switch (type) {
        case StreamSchema.BIGINT -> "long";
        case StreamSchema.DOUBLE -> "double";
        case StreamSchema.BOOLEAN -> "boolean";
        default -> new JsonObject().put("type", "string").put("avro.java.string", "String");
      })).putNull("default")));
    String json = new JsonObject().put("type", "record").put("name", "row").put("fields", fields).encode();
    return new Schema.Parser(NameValidator.NO_VALIDATION).parse(json);
  }
}
