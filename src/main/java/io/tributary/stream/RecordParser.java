package io.tributary.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;

/**
 * Parses one Kafka record value: it must be a single JSON object (UTF-8). Values become Long (integers that fit),
 * Double (numbers with a fraction or exponent), Boolean, String, or {@link RawJson} for objects and arrays (their
 * compact JSON text); integers beyond 64 bits are kept as their digits (a String). Anything else is a bad record
 * with a reason for the dead-letter topic.
 */
final class RecordParser {

  private static final JsonFactory FACTORY = JsonFactory.builder()
    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100).maxStringLength(8 << 20).build())
    .build();

  /** A record that cannot become a row; the message says why. */
  static final class BadRecord extends Exception {
    private static final long serialVersionUID = 1L;

    BadRecord(String message) {
      super(message, null, false, false);
    }
  }

  /** The JSON text of a nested object or array. */
  record RawJson(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  private RecordParser() {
  }

  /**
   * The fields of one record in their order, reused from record to record (no allocation per record but the
   * values). Names are Jackson's canonical (interned) strings, so a name repeats as the same instance.
   */
  static final class Fields {
    String[] names = new String[16];
    Object[] values = new Object[16];
    int size;

    private void add(String name, Object value) {
      if (size == names.length) {
        names = Arrays.copyOf(names, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      names[size] = name;
      values[size++] = value;
    }
  }

  /** Parses one record value into {@code into} (cleared first); a repeated key appears twice, the last one wins. */
  static void parse(byte[] value, Fields into) throws BadRecord {
    parse(value, into, false);
  }

  /**
   * As {@link #parse(byte[], Fields)}; when {@code exact}, numbers keep every digit: integers are Long or BigInteger,
   * numbers with a fraction or exponent BigDecimal (for a stream that fills declared types).
   */
  static void parse(byte[] value, Fields into, boolean exact) throws BadRecord {
    into.size = 0;
    if (value == null || value.length == 0) {
      throw new BadRecord("empty record value");
    }
    try (JsonParser p = FACTORY.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BadRecord("the record is not a JSON object");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        into.add(name, value(p, p.nextToken(), exact));
      }
      if (p.nextToken() != null) {
        throw new BadRecord("content after the JSON object");
      }
    } catch (JsonProcessingException e) {
      throw new BadRecord("invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRecord("unreadable record: " + e.getMessage());
    }
  }

  private static Object value(JsonParser p, JsonToken t, boolean exact) throws IOException {
    return switch (t) {
      case VALUE_NUMBER_INT -> p.getNumberType() != JsonParser.NumberType.BIG_INTEGER ? (Object) p.getLongValue()
        : exact ? p.getBigIntegerValue() : p.getText();
      case VALUE_NUMBER_FLOAT -> exact ? p.getDecimalValue() : (Object) p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_STRING -> p.getText();
      case VALUE_NULL -> null;
      case START_OBJECT, START_ARRAY -> {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
          g.copyCurrentStructure(p);
        }
        yield new RawJson(out.toString());
      }
      default -> throw new JsonProcessingException("unexpected token " + t) { };
    };
  }
}
