package io.tributary.transform;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * FastCSV callback handler for the writing pass of {@link CsvConverter}: fields go from the parser's character
 * buffer straight into typed values of the row's record, so integers, plain decimals and booleans never become
 * strings. The first record is the header and is kept as text ({@link Row#texts()}). A value that does not fit its
 * column's kind marks its row ({@link Row#misfit()}: the caller checks the row's shape first); anything unusual goes
 * through the same text parsing as the inference ({@code slowPath}), so the accepted forms and values are the same.
 */
final class TypedRowHandler extends AbstractBaseCsvCallbackHandler<TypedRowHandler.Row> {

  /**
   * One record: its values (a record of the schema; the header's texts instead for the first one), how many fields it
   * had, its first line, its text size, and whether a value did not fit its column's kind.
   */
  record Row(GenericData.Record record, List<String> texts, int fieldCount, long line, long textChars, boolean misfit) {
  }

  private final Schema schema;
  private final ColumnKind[] kinds;
  private final BiFunction<ColumnKind, String, Object> slowPath;
  private final CsvLimitCheck check;
  private boolean inHeader = true;
  private GenericData.Record record;
  private List<String> texts;
  private long chars;
  private boolean misfit;

  /**
   * @param slowPath the text parsing of a value; null when it does not fit the kind
   * @param check    the limits every field is checked against
   */
  TypedRowHandler(Schema schema, ColumnKind[] kinds, BiFunction<ColumnKind, String, Object> slowPath,
                  CsvLimitCheck check) {
    this.schema = schema;
    this.kinds = kinds;
    this.slowPath = slowPath;
    this.check = check;
  }

  @Override
  protected void handleBegin(long startingLineNumber) {
    chars = 0;
    misfit = false;
    check.begin();
    if (inHeader) {
      texts = new ArrayList<>();
    } else {
      record = new GenericData.Record(schema);
    }
  }

  @Override
  protected void handleField(int index, char[] buf, int begin, int len, boolean quoted) {
    check.field(getStartingLineNumber(), index, len);
    chars += len;
    if (inHeader) {
      texts.add(new String(buf, begin, len));
    } else if (len > 0 && index < kinds.length) {
      record.put(index, value(kinds[index], buf, begin, len));
    }
  }

  @Override
  protected Row buildRecord() {
    Row row = new Row(inHeader ? null : record, inHeader ? texts : null, getFieldCount(), getStartingLineNumber(), chars,
      misfit);
    inHeader = false;
    return row;
  }

  private Object value(ColumnKind kind, char[] buf, int begin, int len) {
    switch (kind) {
      case BIGINT -> {
        long v = TextValues.shortLong(buf, begin, len);
        if (v != Long.MIN_VALUE) {
          return v;
        }
      }
      case DOUBLE -> {
        double v = TextValues.shortDecimal(buf, begin, len);
        if (!Double.isNaN(v)) {
          return v;
        }
      }
      case BOOLEAN -> {
        if (len == 4 || len == 5) {
          String text = len == 4 ? "true" : "false";
          boolean same = true;
          for (int i = 0; i < len && same; i++) {
            same = (buf[begin + i] | 0x20) == text.charAt(i); // ASCII case folding; other forms take the text path
          }
          if (same) {
            return len == 4;
          }
        }
      }
      case VARCHAR -> {
        return new String(buf, begin, len);
      }
      default -> {
        // dates and timestamps: the text parsing below
      }
    }
    Object v = slowPath.apply(kind, new String(buf, begin, len));
    misfit |= v == null;
    return v;
  }
}
