package io.tributary.parquet;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * parquet-avro's write support for flat records whose fields are all nullable primitives (long, int, double,
 * float, boolean, string, bytes, with their logical types: every type the text converters and stream batches
 * produce). The file is the one {@code AvroParquetWriter} writes (same Parquet schema from {@link AvroSchemaConverter}
 * but for TIME, see {@link #localTimes}; same Avro schema in the footer); only the per-value schema dispatch of the
 * generic path is skipped, which is most of the encoding time of narrow rows.
 */
public final class FlatWriteSupport extends AvroWriteSupport<GenericRecord> {

  private enum Slot { LONG, INT, DOUBLE, FLOAT, BOOLEAN, STRING, BYTES }

  private final Slot[] slots;
  private final String[] names;
  private RecordConsumer consumer;

  private FlatWriteSupport(MessageType parquetSchema, Schema avroSchema, Slot[] slots) {
    super(parquetSchema, avroSchema, GenericData.get());
    this.slots = slots;
    this.names = new String[slots.length];
    for (int i = 0; i < slots.length; i++) {
      names[i] = parquetSchema.getFieldName(i);
    }
  }

  /**
   * True when every field of {@code schema} is a union of null and long, int, double, boolean or string without a
   * TIME logical type (what the text converters write; {@link #builder} also takes float, bytes and TIME fields).
   */
  public static boolean fits(Schema schema) {
    Slot[] slots = slots(schema);
    if (slots == null) {
      return false;
    }
    for (Schema.Field f : schema.getFields()) {
      Schema t = f.schema().getType() == Schema.Type.UNION ? f.schema().getTypes().get(1) : f.schema();
      if (slots[f.pos()] == Slot.FLOAT || slots[f.pos()] == Slot.BYTES || t.getLogicalType() != null
        && t.getLogicalType().getName().startsWith("time-")) {
        return false;
      }
    }
    return true;
  }

  /**
   * A writer builder like {@code AvroParquetWriter.builder(file).withSchema(schema)} for a schema of nullable
   * primitives (see {@link #fits}; float, bytes and TIME fields too).
   */
  public static ParquetWriter.Builder<GenericRecord, ?> builder(OutputFile file, Schema schema) {
    return new Builder(file, schema);
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    super.prepareForWrite(recordConsumer);
    this.consumer = recordConsumer;
  }

  @Override
  public void write(GenericRecord record) {
    consumer.startMessage();
    for (int i = 0; i < slots.length; i++) {
      Object v = record.get(i);
      if (v == null) {
        continue;
      }
      consumer.startField(names[i], i);
      switch (slots[i]) {
        case LONG -> consumer.addLong(((Number) v).longValue());
        case INT -> consumer.addInteger(((Number) v).intValue());
        case DOUBLE -> consumer.addDouble(((Number) v).doubleValue());
        case FLOAT -> consumer.addFloat(((Number) v).floatValue());
        case BYTES -> consumer.addBinary(v instanceof byte[] bytes ? Binary.fromConstantByteArray(bytes)
          : Binary.fromReusedByteBuffer((java.nio.ByteBuffer) v));
        case BOOLEAN -> consumer.addBoolean((Boolean) v);
        // String.getBytes is intrinsic (a copy for ASCII); fromCharSequence goes through a CharsetEncoder
        case STRING -> consumer.addBinary(v instanceof String text
          ? Binary.fromConstantByteArray(text.getBytes(StandardCharsets.UTF_8))
          : Binary.fromCharSequence((CharSequence) v));
        default -> throw new IllegalStateException(slots[i].name());
      }
      consumer.endField(names[i], i);
    }
    consumer.endMessage();
  }

  private static Slot[] slots(Schema schema) {
    if (schema.getType() != Schema.Type.RECORD) {
      return null;
    }
    Slot[] slots = new Slot[schema.getFields().size()];
    for (Schema.Field f : schema.getFields()) {
      Schema t = f.schema();
      if (t.getType() == Schema.Type.UNION) {
        if (t.getTypes().size() != 2 || t.getTypes().get(0).getType() != Schema.Type.NULL) {
          return null;
        }
        t = t.getTypes().get(1);
      }
      Slot slot = switch (t.getType()) {
        case LONG -> Slot.LONG;
        case INT -> Slot.INT;
        case DOUBLE -> Slot.DOUBLE;
        case FLOAT -> Slot.FLOAT;
        case BYTES -> Slot.BYTES;
        case BOOLEAN -> Slot.BOOLEAN;
        case STRING -> Slot.STRING;
        default -> null;
      };
      if (slot == null) {
        return null;
      }
      slots[f.pos()] = slot;
    }
    return slots;
  }

  /**
   * Avro's time-micros as a Parquet TIME of the local day (parquet-avro marks it adjusted to UTC, which DuckDB reads
   * as TIME WITH TIME ZONE); every other field as converted.
   */
  private static MessageType localTimes(MessageType converted) {
    List<Type> fields = new ArrayList<>();
    boolean changed = false;
    for (Type f : converted.getFields()) {
      if (f.isPrimitive() && f.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation t
        && t.isAdjustedToUTC()) {
        fields.add(Types.primitive(f.asPrimitiveType().getPrimitiveTypeName(), f.getRepetition())
          .as(LogicalTypeAnnotation.timeType(false, t.getUnit())).named(f.getName()));
        changed = true;
      } else {
        fields.add(f);
      }
    }
    return changed ? new MessageType(converted.getName(), fields) : converted;
  }

  private static final class Builder extends ParquetWriter.Builder<GenericRecord, Builder> {

    private final Schema schema;

    Builder(OutputFile file, Schema schema) {
      super(file);
      this.schema = schema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
      return new FlatWriteSupport(localTimes(new AvroSchemaConverter(conf).convert(schema)), schema, slots(schema));
    }

    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(ParquetConfiguration conf) {
      return new FlatWriteSupport(localTimes(new AvroSchemaConverter(conf).convert(schema)), schema, slots(schema));
    }
  }
}
