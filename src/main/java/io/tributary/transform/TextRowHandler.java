package io.tributary.transform;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;

import java.util.ArrayList;
import java.util.List;

/** FastCSV callback handler of the inference pass: each record's fields as text, checked against the limits. */
final class TextRowHandler extends AbstractBaseCsvCallbackHandler<TextRowHandler.Row> {

  /** One record: its first line and its fields. */
  record Row(long line, List<String> fields) {
  }

  private final CsvLimitCheck check;
  private List<String> fields;

  TextRowHandler(CsvLimitCheck check) {
    this.check = check;
  }

  @Override
  protected void handleBegin(long startingLineNumber) {
    fields = new ArrayList<>();
    check.begin();
  }

  @Override
  protected void handleField(int index, char[] buf, int begin, int len, boolean quoted) {
    check.field(getStartingLineNumber(), index, len);
    fields.add(new String(buf, begin, len));
  }

  @Override
  protected Row buildRecord() {
    return new Row(getStartingLineNumber(), fields);
  }
}
