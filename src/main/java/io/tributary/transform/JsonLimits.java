package io.tributary.transform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.tributary.transform.InputLimits.Limit;

import java.io.IOException;
import java.io.StringWriter;

/**
 * The {@link InputLimits} as Jackson applies them: a factory whose {@link StreamReadConstraints} take the nesting
 * depth, string and number length from the limits, Jackson's refusals as the limit they enforce, and nested values
 * copied as text no longer than a field.
 */
final class JsonLimits {

  private final InputLimits limits;
  private final JsonFactory factory;

  JsonLimits(InputLimits limits) {
    this.limits = limits;
    this.factory = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(limits.maxJsonDepth())
        .maxStringLength(limits.maxFieldChars()).maxNumberLength(limits.maxNumberLength()).build())
      .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(limits.maxJsonDepth() + 1).build())
      .build();
  }

  JsonFactory factory() {
    return factory;
  }

  /** Jackson's refusal as the limit it enforces ({@code line} ≤ 0: unknown). */
  ConversionException refusal(StreamConstraintsException e, long line) {
    String m = String.valueOf(e.getMessage());
    String where = line > 0 ? "line " + line : "the file";
    InputLimitException limit;
    if (m.contains("NestingDepth")) {
      limit = limits.beyond(Limit.JSON_DEPTH, where, "objects and arrays are nested deeper than", "Flatten the data");
    } else if (m.contains("StringLength")) {
      limit = limits.beyond(Limit.FIELD, where, "a string is longer than", "Shorten the value");
    } else if (m.contains("NumberLength")) {
      limit = limits.beyond(Limit.NUMBER, where, "a number is longer than", "Write the number as a string");
    } else {
      return new ConversionException(where + ": " + e.getOriginalMessage());
    }
    return new ConversionException(limit.getMessage());
  }

  /** The object or array the parser is on, as compact JSON text of at most {@code max_field_chars}. */
  String nestedText(JsonParser p) throws IOException {
    long line = p.currentLocation().getLineNr();
    StringWriter out = new StringWriter() {
      @Override
      public void write(char[] cbuf, int off, int len) {
        if (getBuffer().length() + len > limits.maxFieldChars()) {
          throw limits.beyond(Limit.FIELD, "line " + line, "a nested value is longer than", "Shorten the value");
        }
        super.write(cbuf, off, len);
      }

      @Override
      public void write(String str, int off, int len) {
        write(str.substring(off, off + len).toCharArray(), 0, len);
      }
    };
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.copyCurrentStructure(p);
    }
    return out.toString();
  }
}
