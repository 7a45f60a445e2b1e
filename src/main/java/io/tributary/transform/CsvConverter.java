package io.tributary.transform;

import io.tributary.parquet.DistinctTally;
import de.siegmar.fastcsv.reader.CsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * CSV (RFC 4180: quotes, embedded newlines; UTF-8; comma, semicolon or tab detected from the header line) to
 * Parquet. Types are inferred from the first {@value #SAMPLE_ROWS} rows and the file is written in the same
 * pass; should a later value not fit its column's type, the file is inferred again over every row and
 * written again, so the result is always the type that fits the whole column.
 */
final class CsvConverter {

  static final int SAMPLE_ROWS = 20_000;
  /** A column with at least this many distinct values in the sample, 90% of its rows or more, goes without dictionary. */
  private static final int PLAIN_MIN_DISTINCT = 1_000;
  /** Values kept per column to find the (nearly) unique ones, for all columns together. */
  private static final int SAMPLE_BUDGET = 1 << 21;
  /** What a value costs in a queued row besides its text (reference, boxing). */
  private static final int VALUE_OVERHEAD = 24;
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private final ConvertRequest request;
  private final ProgressListener progress;
  private final long size;
  private final CsvLimitCheck check;
  private char separator;

  /** A value that does not fit the type inferred from the sample. */
  private static final class Mismatch extends Exception {
    Mismatch() {
      super(null, null, false, false);
    }
  }

  CsvConverter(ConvertRequest request, ProgressListener progress) throws IOException {
    this.request = request;
    this.progress = progress;
    this.size = Files.size(request.input());
    this.check = new CsvLimitCheck(request.limits());
  }

  ConvertResult convert() throws ConversionException, IOException {
    separator = detectSeparator(request.input());
    Inference sample = infer(SAMPLE_ROWS, 0, 5);
    try {
      return write(sample, 5, 99);
    } catch (Mismatch m) {
      Inference full = infer(Long.MAX_VALUE, 5, 40);
      try {
        return write(full, 40, 99);
      } catch (Mismatch impossible) {
        throw new IllegalStateException("a value does not fit the type inferred over all rows", impossible);
      }
    }
  }

  /**
   * Column names and kinds from the header and the first {@code maxRows} rows, and the columns whose values were
   * (nearly) all distinct in the first {@value #SAMPLE_ROWS} rows: those are written without a dictionary.
   */
  private record Inference(List<String> names, List<ColumnKind> kinds, Set<String> plain) {
  }

  private Inference infer(long maxRows, int from, int to) throws ConversionException, IOException {
    try (CsvReader<TextRowHandler.Row> csv = open(new TextRowHandler(check), from, to)) {
      Iterator<TextRowHandler.Row> rows = csv.iterator();
      List<String> names = header(rows);
      TypeGuess[] guesses = new TypeGuess[names.size()];
      for (int i = 0; i < guesses.length; i++) {
        guesses[i] = new TypeGuess();
      }
      List<Set<String>> sampled = new ArrayList<>();
      for (int i = 0; i < guesses.length; i++) {
        sampled.add(new HashSet<>());
      }
      long seen = 0;
      long sampleRows = Math.min(SAMPLE_ROWS, SAMPLE_BUDGET / Math.max(1, guesses.length));
      while (seen < maxRows && rows.hasNext()) {
        TextRowHandler.Row row = rows.next();
        if (row.fields().size() != guesses.length) {
          ragged(row.line(), row.fields().size(), guesses.length);
          continue;
        }
        for (int i = 0; i < guesses.length; i++) {
          String v = row.fields().get(i);
          guesses[i].accept(v);
          if (seen < sampleRows && !v.isEmpty()) {
            sampled.get(i).add(v);
          }
        }
        seen++;
      }
      List<ColumnKind> kinds = new ArrayList<>();
      Set<String> plain = new HashSet<>();
      for (int i = 0; i < guesses.length; i++) {
        kinds.add(guesses[i].kind());
        if (sampled.get(i).size() >= PLAIN_MIN_DISTINCT && sampled.get(i).size() >= Math.min(seen, sampleRows) * 9 / 10) {
          plain.add(names.get(i));
        }
      }
      return new Inference(names, kinds, plain);
    } catch (CsvParseException e) {
      throw check.failure(e);
    }
  }

  private ConvertResult write(Inference inference, int from, int to) throws ConversionException, IOException, Mismatch {
    int n = inference.names().size();
    ColumnKind[] kinds = inference.kinds().toArray(new ColumnKind[0]);
    List<Schema> types = new ArrayList<>();
    for (ColumnKind k : kinds) {
      types.add(k.avro());
    }
    Schema schema = ParquetSink.recordSchema(inference.names(), types);
    long rowCount = 0;
    long rejected = 0;
    TypedRowHandler handler = new TypedRowHandler(schema, kinds, CsvConverter::valueOrNull, check);
    try (CsvReader<TypedRowHandler.Row> csv = open(handler, from, to); PipelinedSink sink = new PipelinedSink(
      ParquetSink.open(request.outputFile(), schema, GenericData.get(), inference.plain()))) {
      Iterator<TypedRowHandler.Row> rows = csv.iterator();
      if (!rows.hasNext()) {
        throw new ConversionException("the file is empty");
      }
      rows.next(); // the header, known from the inference
      DistinctTally[] tallies = DistinctTally.forColumns(n);
      while (rows.hasNext()) {
        TypedRowHandler.Row row = rows.next();
        if (row.fieldCount() != n) {
          ragged(row.line(), row.fieldCount(), n);
          rejected++;
          continue;
        }
        if (row.misfit()) {
          throw new Mismatch();
        }
        GenericData.Record record = row.record();
        for (int i = 0; i < tallies.length; i++) {
          Object v = record.get(i);
          if (v != null) {
            tallies[i].add(v);
          }
        }
        sink.write(record, row.textChars() + (long) VALUE_OVERHEAD * n);
        rowCount++;
      }
      long bytes = sink.commit();
      List<ColumnSpec> columns = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long distinct = i < tallies.length ? tallies[i].count() : -1;
        columns.add(new ColumnSpec(inference.names().get(i), kinds[i].sqlName, distinct < 0 ? null : distinct));
      }
      return new ConvertResult(rowCount, rejected, columns, bytes);
    } catch (CsvParseException e) {
      throw check.failure(e);
    }
  }

  private static Object valueOrNull(ColumnKind kind, String v) {
    try {
      return value(kind, v);
    } catch (Mismatch m) {
      return null;
    }
  }

  private static Object value(ColumnKind kind, String v) throws Mismatch {
    switch (kind) {
      case BIGINT -> {
        if (!TextValues.isLong(v)) {
          throw new Mismatch();
        }
        return Long.parseLong(v);
      }
      case DOUBLE -> {
        if (!TextValues.isDouble(v)) {
          throw new Mismatch();
        }
        return Double.parseDouble(v);
      }
      case BOOLEAN -> {
        if (!TextValues.isBoolean(v)) {
          throw new Mismatch();
        }
        return TextValues.parseBoolean(v);
      }
      case DATE -> {
        int day = TextValues.epochDay(v);
        if (day == Integer.MIN_VALUE) {
          throw new Mismatch();
        }
        return day;
      }
      case TIMESTAMP -> {
        long micros = v.length() == 10 ? (long) TextValues.epochDay(v) * MICROS_PER_DAY : TextValues.epochMicros(v);
        if (micros == Long.MIN_VALUE || (v.length() == 10 && !TextValues.isDate(v))) {
          throw new Mismatch();
        }
        return micros;
      }
      default -> {
        return v;
      }
    }
  }

  private void ragged(long line, int fields, int expected) throws ConversionException {
    if (!request.skipBadRows()) {
      throw new ConversionException("line " + line + ": expected " + expected
        + " fields but found " + fields + " (upload with on_error=skip to skip such rows)");
    }
  }

  private <T> CsvReader<T> open(CsvCallbackHandler<T> handler, int from, int to) throws IOException {
    return reader().build(handler, input(from, to), StandardCharsets.UTF_8);
  }

  private CsvReader.CsvReaderBuilder reader() {
    return CsvReader.builder().fieldSeparator(separator).detectBomHeader(true).skipEmptyLines(true)
      .allowExtraFields(true).allowMissingFields(true).maxBufferSize(check.bufferChars());
  }

  private InputStream input(int from, int to) throws IOException {
    return new Progress(new BufferedInputStream(Files.newInputStream(request.input()), 1 << 16), size, from, to,
      progress);
  }

  private static List<String> header(Iterator<TextRowHandler.Row> rows) throws ConversionException {
    if (!rows.hasNext()) {
      throw new ConversionException("the file is empty");
    }
    return CsvHeader.names(rows.next().fields());
  }

  /** The separator of the header line (see {@link CsvHeader}). */
  static char detectSeparator(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return CsvHeader.separator(in.readNBytes(64 * 1024));
    }
  }
}
