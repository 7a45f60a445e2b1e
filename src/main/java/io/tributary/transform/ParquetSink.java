package io.tributary.transform;

import io.tributary.parquet.FlatWriteSupport;
import io.tributary.parquet.ParquetCodecs;
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
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A Parquet file being written with parquet-avro under a temporary name next to its final place; it appears
 * there only by an atomic rename on {@link #commit()}, and {@link #abort()} leaves nothing behind.
 */
public final class ParquetSink implements AutoCloseable {

  /** Row groups bounded for a small heap; pages of 1 MiB. */
  private static final long ROW_GROUP_BYTES = 64L * 1024 * 1024;
  private static final int PAGE_BYTES = 1024 * 1024;

  private final Path output;
  private final Path temp;
  private final ParquetWriter<GenericRecord> writer;
  private boolean done;

  private ParquetSink(Path output, Schema schema, GenericData model, Set<String> plainColumns) throws IOException {
    this.output = output;
    this.temp = output.resolveSibling(output.getFileName() + ".tmp-" + UUID.randomUUID());
    // flat records of the generic model (all the text converters write) take the faster write support
    ParquetWriter.Builder<GenericRecord, ?> builder = model == GenericData.get() && FlatWriteSupport.fits(schema)
      ? FlatWriteSupport.builder(new LocalOutputFile(temp), schema)
      : AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(temp)).withSchema(schema).withDataModel(model);
    builder.withConf(new PlainParquetConfiguration())
      .withCodecFactory(ParquetCodecs.INSTANCE)
      .withCompressionCodec(CompressionCodecName.SNAPPY)
      .withRowGroupSize(ROW_GROUP_BYTES)
      .withPageSize(PAGE_BYTES)
      .withDictionaryPageSize(PAGE_BYTES)
      .withDictionaryEncoding(true)
      .withWriteMode(ParquetFileWriter.Mode.OVERWRITE);
    for (String column : plainColumns) {
      builder.withDictionaryEncoding(column, false);
    }
    this.writer = builder.build();
  }

  public static ParquetSink open(Path output, Schema schema, GenericData model) throws IOException {
    return new ParquetSink(output, schema, model, Set.of());
  }

  /**
   * As {@link #open(Path, Schema, GenericData)}, with plain encoding for the given columns: for columns of
   * (nearly) unique values a dictionary only costs time until Parquet gives up on it at 1 MiB.
   */
  static ParquetSink open(Path output, Schema schema, GenericData model, Set<String> plainColumns) throws IOException {
    return new ParquetSink(output, schema, model, plainColumns);
  }

  /**
   * A record schema whose fields carry the given names exactly (spaces, symbols, UTF-8), each nullable: Avro's
   * name validation is switched off for this schema only, so the Parquet columns keep the user's names.
   */
  public static Schema recordSchema(List<String> names, List<Schema> types) {
    JsonArray fields = new JsonArray();
    for (int i = 0; i < names.size(); i++) {
      fields.add(new JsonObject().put("name", names.get(i))
        .put("type", new JsonArray().add("null").add(io.vertx.core.json.Json.decodeValue(types.get(i).toString())))
        .putNull("default"));
    }
    String json = new JsonObject().put("type", "record").put("name", "row").put("fields", fields).encode();
    return new Schema.Parser(NameValidator.NO_VALIDATION).parse(json);
  }

  public void write(GenericRecord record) throws IOException {
    writer.write(record);
  }

  /** Finishes the file and moves it into place; returns its size. */
  public long commit() throws IOException {
    writer.close();
    Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    done = true;
    return Files.size(output);
  }

  /** Drops the partial file. */
  public void abort() {
    try {
      writer.close();
    } catch (IOException | RuntimeException ignored) {
      // the file is deleted anyway
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // a leftover *.tmp-* file is removed at the next start
    }
    done = true;
  }

  @Override
  public void close() {
    if (!done) {
      abort();
    }
  }
}
