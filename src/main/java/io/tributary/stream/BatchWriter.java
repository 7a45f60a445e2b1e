package io.tributary.stream;

import io.tributary.parquet.FlatWriteSupport;
import io.tributary.parquet.ParquetCodecs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.avro.NameValidator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns one micro-batch of a stream into Parquet part files (parquet-avro's file layout, snappy): every record that
 * parses as a JSON object becomes a row; the others are returned as dead letters with their reason. Column types
 * are the stream's schema widened by this batch; the parts hold the columns this batch has, each with its widened
 * type (a declared schema neither widens nor grows: every part holds its columns, see {@link DeclaredTypes}). A file
 * appears under its final name only when complete. Three steps, all on a worker: {@link #parse} (CPU
 * only, run on each poll's records while the batch fills, column by column), {@link #plan} (the batch's schema
 * and statistics) and {@link #writePart} (one part file from a run of consecutive records; a large batch is
 * written as several parts at once, one per writer thread).
 */
final class BatchWriter {

  /** One record of a batch: its raw value and where it came from. */
  record Input(byte[] value, int partition, long offset) {
  }

  /** A record that could not become a row. */
  record DeadLetter(Input input, String reason) {
  }

  /** One part file of a batch: its id (also its file name) and where it is. */
  record Part(UUID id, Path file, long rows, long sizeBytes) {
  }

  /** What a batch produced (no part file when every record was a dead letter). */
  record Result(List<Part> parts, long rows, StreamSchema schema, StreamProfile stats, List<DeadLetter> dead) {
  }

  private BatchWriter() {
  }

  /**
   * Records of a batch parsed ahead of its write (on the writer pool, while the batch still fills), column by
   * column: the good records' values in order, the dead letters, and per column in first-seen order what its
   * values say (see {@link #plan}).
   */
  static final class Parsed {
    int rows;
    final List<DeadLetter> dead = new ArrayList<>();
    final LinkedHashMap<String, Column> columns = new LinkedHashMap<>();
  }

  /**
   * One column in a run of records: its values by row (null where a record has no value), the widened type of
   * its values (null: only nulls), whether its first value was null, and (after the parse) the statistics of its
   * values converted to that type.
   */
  static final class Column {
    final String name;
    final Object[] values;
    final boolean nullFirst;
    String type;
    ColumnStats stats;

    Column(String name, int capacity, String type) {
      this.name = name;
      this.values = new Object[capacity];
      this.type = type;
      this.nullFirst = type == null;
    }
  }

  /** Parses records into columns (CPU only, no I/O); those that are not JSON objects become dead letters. */
  static Parsed parse(List<Input> inputs) {
    Parsed parsed = new Parsed();
    RecordParser.Fields fields = new RecordParser.Fields();
    // records of a topic mostly repeat one field order: the column at a field's position is tried first
    Column[] byPosition = new Column[8];
    for (Input in : inputs) {
      try {
        RecordParser.parse(in.value(), fields);
      } catch (RecordParser.BadRecord bad) {
        parsed.dead.add(new DeadLetter(in, bad.getMessage()));
        continue;
      }
      int row = parsed.rows++;
      if (fields.size > byPosition.length) {
        byPosition = Arrays.copyOf(byPosition, Math.max(fields.size, byPosition.length * 2));
      }
      for (int i = 0; i < fields.size; i++) {
        String name = fields.names[i];
        Object value = fields.values[i];
        String type = StreamSchema.typeOf(value);
        Column column = byPosition[i];
        if (column == null || !column.name.equals(name)) {
          column = parsed.columns.get(name);
          if (column == null) {
            column = new Column(name, inputs.size(), type);
            parsed.columns.put(name, column);
          }
          byPosition[i] = column;
        }
        if (type != null && !type.equals(column.type)) {
          column.type = StreamSchema.widen(column.type, type);
        }
        column.values[row] = value;
      }
    }
    // statistics here too, off the write's path; the write keeps them where the column's type stays this one
    for (Column column : parsed.columns.values()) {
      if (column.type != null) {
        ColumnStats stats = new ColumnStats(column.type);
        Object[] values = column.values;
        for (int r = 0; r < parsed.rows; r++) {
          if (values[r] != null) {
            stats.add(StreamSchema.convert(values[r], column.type));
          }
        }
        column.stats = stats;
      }
    }
    return parsed;
  }

  /**
   * Parses records into the columns of a declared ({@link StreamSchema#fixed}) schema, each value converted to its
   * column's type ({@link DeclaredTypes}); a record with a value that does not convert or a field that is not a column
   * is a dead letter naming them. Other schemas parse as {@link #parse(List)} does.
   */
  static Parsed parse(List<Input> inputs, StreamSchema schema) {
    if (schema == null || !schema.fixed()) {
      return parse(inputs);
    }
    Parsed parsed = new Parsed();
    String[] names = schema.columns().keySet().toArray(new String[0]);
    String[] types = schema.columns().values().toArray(new String[0]);
    Column[] columns = new Column[names.length];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      columns[i] = new Column(names[i], inputs.size(), types[i]);
      columns[i].stats = new ColumnStats(types[i]);
      parsed.columns.put(names[i], columns[i]);
      index.put(names[i], i);
    }
    RecordParser.Fields fields = new RecordParser.Fields();
    Object[] row = new Object[names.length];
    for (Input in : inputs) {
      try {
        RecordParser.parse(in.value(), fields, true);
        Arrays.fill(row, null);
        for (int f = 0; f < fields.size; f++) {
          Integer i = index.get(fields.names[f]);
          if (i == null) {
            throw new RecordParser.BadRecord("the field \"" + fields.names[f] + "\" is not a column of the dataset");
          }
          try {
            row[i] = DeclaredTypes.convert(fields.values[f], types[i]);
          } catch (DeclaredTypes.BadValue bad) {
            throw new RecordParser.BadRecord("column \"" + names[i] + "\" (" + types[i] + "): " + bad.getMessage());
          }
        }
      } catch (RecordParser.BadRecord bad) {
        parsed.dead.add(new DeadLetter(in, bad.getMessage()));
        continue;
      }
      int r = parsed.rows++;
      for (int i = 0; i < names.length; i++) {
        if (row[i] != null) {
          columns[i].values[r] = row[i];
          columns[i].stats.add(DeclaredTypes.statsValue(row[i], types[i]));
        }
      }
    }
    return parsed;
  }

  /** The statistics of a column from its parsed runs, or null when a run typed it otherwise (they are recomputed). */
  private static ColumnStats parsedStats(List<Parsed> parts, String name, String type) {
    ColumnStats merged = new ColumnStats(type);
    for (Parsed p : parts) {
      Column c = p.columns.get(name);
      if (c != null && c.type != null) {
        if (!c.type.equals(type)) {
          return null;
        }
        merged.merge(c.stats);
      }
    }
    return merged;
  }

  /**
   * What the part files of one batch share: the widened schema, the columns written (the batch's, each typed as
   * the widened stream schema says), and the statistics known from the parse. A column new to the stream whose
   * first value in the batch is null is text (VARCHAR) until values say otherwise; otherwise columns take the
   * type of their values, widened with the stream's.
   */
  static final class Plan {
    final List<Parsed> parsed;
    final long rows;
    final List<DeadLetter> dead = new ArrayList<>();
    final StreamSchema schema;
    final StreamProfile stats = new StreamProfile();
    final String[] names;
    final String[] types;
    /** Per column: true when the parse's statistics hold for the written type (false: counted while writing). */
    final boolean[] counted;
    final boolean[] plain;
    final Schema avro;

    /** Per column: the value is stored as parsed (a declared schema's values are converted by the parse). */
    final boolean fixed;

    private Plan(List<Parsed> parts, StreamSchema current) {
      this.parsed = parts;
      this.fixed = current.fixed();
      long total = 0;
      LinkedHashMap<String, String> seenTypes = new LinkedHashMap<>();
      Set<String> nullFirst = new HashSet<>();
      for (Parsed p : parts) {
        total += p.rows;
        dead.addAll(p.dead);
        for (Column c : p.columns.values()) {
          if (!seenTypes.containsKey(c.name)) {
            seenTypes.put(c.name, c.type);
            if (c.nullFirst) {
              nullFirst.add(c.name);
            }
          } else if (c.type != null) {
            seenTypes.put(c.name, StreamSchema.widen(seenTypes.get(c.name), c.type));
          }
        }
      }
      rows = total;
      StreamSchema batch = fixed ? current : new StreamSchema();
      (fixed ? new LinkedHashMap<String, String>() : seenTypes).forEach((name, type) -> {
        if (nullFirst.contains(name) && current.type(name) == null) {
          batch.accept(name, StreamSchema.VARCHAR); // only nulls so far: text until a value says otherwise
        } else if (type != null) {
          batch.accept(name, type);
        }
      });
      schema = StreamSchema.fromJson(current.toJson(), fixed);
      schema.merge(batch);
      stats.rows = rows;
      LinkedHashMap<String, String> columns = new LinkedHashMap<>();
      schema.columns().forEach((name, type) -> {
        if (batch.type(name) != null) {
          columns.put(name, type);
        }
      });
      names = columns.keySet().toArray(new String[0]);
      types = columns.values().toArray(new String[0]);
      counted = new boolean[names.length];
      plain = new boolean[names.length];
      for (int i = 0; i < names.length; i++) {
        ColumnStats known = parsedStats(parts, names[i], types[i]);
        counted[i] = known != null;
        stats.columns.put(names[i], counted[i] ? known : new ColumnStats(types[i]));
        // (nearly) all distinct: a dictionary would only cost time until Parquet gives up on it
        plain[i] = counted[i] && known.values > 0 && known.distinctEstimate() * 2 > known.values;
      }
      avro = avroSchema(columns, fixed);
    }
  }

  /** Plans the part files of one batch (CPU only, cheap). */
  static Plan plan(List<Parsed> parts, StreamSchema current) {
    return new Plan(parts, current);
  }

  /**
   * Writes a run of the plan's parsed records (in order) as one part file, under its final name only when
   * complete; returns it with the statistics of the columns the parse could not count (null where it did).
   */
  static Written writePart(Plan plan, List<Parsed> run, Path partsDir) throws IOException {
    Files.createDirectories(partsDir);
    UUID id = UUID.randomUUID();
    Path file = partsDir.resolve(id + ".parquet");
    Path temp = partsDir.resolve(file.getFileName() + ".tmp");
    int width = plan.names.length;
    ColumnStats[] uncounted = new ColumnStats[width];
    for (int i = 0; i < width; i++) {
      uncounted[i] = plan.counted[i] ? null : new ColumnStats(plan.types[i]);
    }
    ParquetWriter.Builder<GenericRecord, ?> builder = FlatWriteSupport.builder(new LocalOutputFile(temp), plan.avro)
      .withConf(new PlainParquetConfiguration())
      .withCodecFactory(ParquetCodecs.INSTANCE)
      .withCompressionCodec(CompressionCodecName.SNAPPY)
      .withWriteMode(ParquetFileWriter.Mode.OVERWRITE);
    for (int i = 0; i < width; i++) {
      if (plan.plain[i]) {
        builder.withDictionaryEncoding(plan.names[i], false);
      }
    }
    long rows = 0;
    try (ParquetWriter<GenericRecord> writer = builder.build()) {
      GenericData.Record record = new GenericData.Record(plan.avro);
      Column[] source = new Column[width];
      for (Parsed p : run) {
        for (int i = 0; i < width; i++) {
          source[i] = p.columns.get(plan.names[i]);
        }
        for (int r = 0; r < p.rows; r++) {
          for (int i = 0; i < width; i++) {
            Object value = source[i] == null ? null
              : plan.fixed ? source[i].values[r] : StreamSchema.convert(source[i].values[r], plan.types[i]);
            record.put(i, value);
            if (value != null && uncounted[i] != null) {
              uncounted[i].add(value);
            }
          }
          writer.write(record);
        }
        rows += p.rows;
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    return new Written(new Part(id, file, rows, Files.size(file)), uncounted);
  }

  /** A part file and the statistics it counted while writing. */
  record Written(Part part, ColumnStats[] uncounted) {
  }

  /** The batch's result from its written parts (none when every record was a dead letter). */
  static Result result(Plan plan, List<Written> written) {
    List<Part> parts = new ArrayList<>(written.size());
    for (Written w : written) {
      parts.add(w.part());
      for (int i = 0; i < plan.names.length; i++) {
        if (w.uncounted()[i] != null) {
          plan.stats.columns.get(plan.names[i]).merge(w.uncounted()[i]);
        }
      }
    }
    return new Result(parts, plan.rows, plan.schema, plan.stats, plan.dead);
  }

  /**
   * Splits the parsed runs of a batch into at most {@code ways} runs of consecutive records of about equal size,
   * one per part file (fewer when the batch is small: a part holds at least {@code minRows} rows).
   */
  static List<List<Parsed>> split(List<Parsed> parsed, long rows, int ways, int minRows) {
    int n = (int) Math.max(1, Math.min(ways, rows / Math.max(1, minRows)));
    List<List<Parsed>> runs = new ArrayList<>(n);
    long per = (rows + n - 1) / n;
    List<Parsed> current = new ArrayList<>();
    long inCurrent = 0;
    for (Parsed p : parsed) {
      if (p.rows > 0 && inCurrent > 0 && inCurrent + p.rows > per && runs.size() < n - 1) {
        runs.add(current);
        current = new ArrayList<>();
        inCurrent = 0;
      }
      current.add(p);
      inCurrent += p.rows;
    }
    runs.add(current);
    return runs;
  }

  /** Nullable fields named exactly as the JSON keys (Avro's name validation is off for this schema only). */
  private static Schema avroSchema(Map<String, String> columns, boolean declared) {
    JsonArray fields = new JsonArray();
    columns.forEach((name, type) -> fields.add(new JsonObject().put("name", name)
      .put("type", new JsonArray().add("null").add(declared ? DeclaredTypes.avroType(type) : switch (type) {
        case StreamSchema.BIGINT -> "long";
        case StreamSchema.DOUBLE -> "double";
        case StreamSchema.BOOLEAN -> "boolean";
        default -> new JsonObject().put("type", "string").put("avro.java.string", "String");
      })).putNull("default")));
    String json = new JsonObject().put("type", "record").put("name", "row").put("fields", fields).encode();
    return new Schema.Parser(NameValidator.NO_VALIDATION).parse(json);
  }
}
