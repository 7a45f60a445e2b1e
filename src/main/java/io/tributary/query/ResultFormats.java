package io.tributary.query;

import com.fasterxml.jackson.core.JsonGenerator;
import de.siegmar.fastcsv.writer.CsvWriter;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * A DuckDB result in the formats of the contract: the JSON object of {@code POST /api/v1/query/sql} (bounded by the
 * limit and {@link #MAX_JSON_RESULT_BYTES}), or CSV with a header and NDJSON streamed without a cap. Values are
 * rendered by {@link ResultWriter}.
 */
final class ResultFormats {

  /** A JSON result stops growing here (rows beyond are reported as truncated); CSV / NDJSON streams have no such cap. */
  static final int MAX_JSON_RESULT_BYTES = 64 * 1024 * 1024;

  private ResultFormats() {
  }

  /** At most {@code limit} rows as {@code {columns, results, row_count, truncated, execution_time_ms}}. */
  static QueryResult json(ResultSet rs, int limit, long startNanos) throws SQLException {
    ResultWriter writer = new ResultWriter(rs.getMetaData());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    int rows = 0;
    boolean truncated = false;
    try (JsonGenerator json = ResultWriter.JSON.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeArrayFieldStart("columns");
      for (ColumnInfo c : writer.columns()) {
        json.writeStartObject();
        json.writeStringField("name", c.name());
        json.writeStringField("type", c.type());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("results");
      while (rs.next()) {
        if (rows >= limit || bytes.size() > MAX_JSON_RESULT_BYTES) {
          truncated = true;
          break;
        }
        writer.writeRow(rs, json);
        rows++;
        if ((rows & 1023) == 0) {
          json.flush();
        }
      }
      json.writeEndArray();
      json.writeNumberField("row_count", rows);
      json.writeBooleanField("truncated", truncated);
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      json.writeNumberField("execution_time_ms", elapsed);
      json.writeEndObject();
      json.flush();
      return new QueryResult(writer.columns(), Buffer.buffer(bytes.toByteArray()), rows, truncated, elapsed);
    } catch (IOException e) {
      throw new SQLException("cannot render the result", e);
    }
  }

  /** CSV with a header; {@code first} says whether the cursor already stands on a first row. Returns the rows. */
  static long csv(ResultSet rs, boolean first, long limit, OutputStream out) throws SQLException, IOException {
    ResultWriter writer = new ResultWriter(rs.getMetaData());
    int n = writer.columns().size();
    OutputStreamWriter text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    CsvWriter csv = CsvWriter.builder().build(text);
    csv.writeRecord(writer.columns().stream().map(ColumnInfo::name).toList());
    long rows = 0;
    String[] cells = new String[n];
    for (boolean more = first; more && rows < limit; more = rs.next()) {
      for (int i = 0; i < n; i++) {
        cells[i] = writer.text(rs, i + 1);
      }
      csv.writeRecord(cells);
      rows++;
    }
    csv.flush();
    text.flush();
    return rows;
  }

  /** One JSON object per line; {@code first} as for {@link #csv}. Returns the rows. */
  static long ndjson(ResultSet rs, boolean first, long limit, OutputStream out) throws SQLException, IOException {
    ResultWriter writer = new ResultWriter(rs.getMetaData());
    long rows = 0;
    try (JsonGenerator json = ResultWriter.JSON.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.setRootValueSeparator(null);
      for (boolean more = first; more && rows < limit; more = rs.next()) {
        writer.writeRow(rs, json);
        json.writeRaw('\n');
        rows++;
      }
      json.flush();
    }
    return rows;
  }
}
