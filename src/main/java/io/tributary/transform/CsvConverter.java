package io.tributary.transform;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
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
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private final ConvertRequest request;
  private final ProgressListener progress;
  private final long size;
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

  /** Column names and kinds from the header and the first {@code maxRows} rows. */
  private record Inference(List<String> names, List<ColumnKind> kinds) {
  }

  private Inference infer(long maxRows, int from, int to) throws ConversionException, IOException {
    try (CsvReader<CsvRecord> csv = open(from, to)) {
      Iterator<CsvRecord> rows = csv.iterator();
      List<String> names = header(rows);
      TypeGuess[] guesses = new TypeGuess[names.size()];
      for (int i = 0; i < guesses.length; i++) {
        guesses[i] = new TypeGuess();
      }
      long seen = 0;
      while (seen < maxRows && rows.hasNext()) {
        CsvRecord row = rows.next();
        if (row.getFieldCount() != guesses.length) {
          ragged(row, guesses.length);
          continue;
        }
        for (int i = 0; i < guesses.length; i++) {
          guesses[i].accept(row.getField(i));
        }
        seen++;
      }
      List<ColumnKind> kinds = new ArrayList<>();
      for (TypeGuess g : guesses) {
        kinds.add(g.kind());
      }
      return new Inference(names, kinds);
    } catch (CsvParseException e) {
      throw new ConversionException("invalid CSV: " + e.getMessage());
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
    try (CsvReader<CsvRecord> csv = open(from, to); ParquetSink sink = ParquetSink.open(request.outputFile(), schema,
      GenericData.get())) {
      Iterator<CsvRecord> rows = csv.iterator();
      header(rows);
      GenericData.Record record = new GenericData.Record(schema);
      while (rows.hasNext()) {
        CsvRecord row = rows.next();
        if (row.getFieldCount() != n) {
          ragged(row, n);
          rejected++;
          continue;
        }
        for (int i = 0; i < n; i++) {
          String v = row.getField(i);
          record.put(i, v.isEmpty() ? null : value(kinds[i], v));
        }
        sink.write(record);
        rowCount++;
      }
      long bytes = sink.commit();
      List<ColumnSpec> columns = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        columns.add(new ColumnSpec(inference.names().get(i), kinds[i].sqlName));
      }
      return new ConvertResult(rowCount, rejected, columns, bytes);
    } catch (CsvParseException e) {
      throw new ConversionException("invalid CSV: " + e.getMessage());
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

  private void ragged(CsvRecord row, int expected) throws ConversionException {
    if (!request.skipBadRows()) {
      throw new ConversionException("line " + row.getStartingLineNumber() + ": expected " + expected
        + " fields but found " + row.getFieldCount() + " (upload with on_error=skip to skip such rows)");
    }
  }

  private CsvReader<CsvRecord> open(int from, int to) throws IOException {
    InputStream in = new Progress(new BufferedInputStream(Files.newInputStream(request.input()), 1 << 16), size, from,
      to, progress);
    return CsvReader.builder().fieldSeparator(separator).detectBomHeader(true).skipEmptyLines(true)
      .allowExtraFields(true).allowMissingFields(true).ofCsvRecord(in, StandardCharsets.UTF_8);
  }

  private static List<String> header(Iterator<CsvRecord> rows) throws ConversionException {
    if (!rows.hasNext()) {
      throw new ConversionException("the file is empty");
    }
    CsvRecord header = rows.next();
    List<String> names = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int i = 0; i < header.getFieldCount(); i++) {
      String name = header.getField(i);
      if (name.isBlank()) {
        name = "column_" + (i + 1);
      }
      String unique = name;
      for (int k = 2; !used.add(unique); k++) {
        unique = name + "_" + k;
      }
      names.add(unique);
    }
    return names;
  }

  /** Comma unless the header line (outside quotes) has more semicolons or tabs. */
  static char detectSeparator(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(64 * 1024);
    }
    int commas = 0;
    int semicolons = 0;
    int tabs = 0;
    boolean quoted = false;
    for (byte b : head) {
      if (b == '"') {
        quoted = !quoted;
      } else if (!quoted && (b == '\n' || b == '\r')) {
        break;
      } else if (!quoted) {
        commas += b == ',' ? 1 : 0;
        semicolons += b == ';' ? 1 : 0;
        tabs += b == '\t' ? 1 : 0;
      }
    }
    if (tabs > commas && tabs >= semicolons) {
      return '\t';
    }
    return semicolons > commas ? ';' : ',';
  }
}
