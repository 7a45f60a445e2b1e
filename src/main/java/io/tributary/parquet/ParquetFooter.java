package io.tributary.parquet;

import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The row count a Parquet file's footer holds, read without a query engine: the {@code PAR1} magic at both ends, the
 * footer length before the last one, and the footer's Thrift {@code FileMetaData}. Blocking: workers only.
 */
public final class ParquetFooter {

  private static final byte[] MAGIC = {'P', 'A', 'R', '1'};
  private static final int MAX_FOOTER = 64 << 20;

  private ParquetFooter() {
  }

  /** The rows of the file; IOException when it is not a readable Parquet file (encrypted footers included). */
  public static long rows(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < 12 || !magic(read(channel, 0, 4))) {
        throw new IOException("not a Parquet file (no PAR1 at its start)");
      }
      ByteBuffer tail = read(channel, size - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
      int length = tail.getInt(0);
      if (!magic(tail.position(4).slice()) || length <= 0 || length > MAX_FOOTER || length > size - 12) {
        throw new IOException("not a Parquet file (bad footer)");
      }
      ByteBuffer footer = read(channel, size - 8 - length, length);
      FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(footer.array()), true); // row groups skipped
      if (!meta.isSetNum_rows() || meta.getNum_rows() < 0) {
        throw new IOException("the Parquet footer has no row count");
      }
      return meta.getNum_rows();
    } catch (RuntimeException e) {
      throw new IOException("the Parquet footer cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Loads the footer reader's classes (about 150 of the Thrift structures) by writing and reading back a footer, so
   * the first restore after a start does not pay for them. Blocking.
   */
  public static void warmUp() throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    org.apache.parquet.format.SchemaElement column = new org.apache.parquet.format.SchemaElement("c")
      .setType(org.apache.parquet.format.Type.INT64).setRepetition_type(org.apache.parquet.format.FieldRepetitionType
        .OPTIONAL).setLogicalType(org.apache.parquet.format.LogicalType.INTEGER(
          new org.apache.parquet.format.IntType((byte) 64, true)));
    FileMetaData meta = new FileMetaData(1, java.util.List.of(new org.apache.parquet.format.SchemaElement("schema")
      .setNum_children(1), column), 0, java.util.List.of()).setCreated_by("tributary")
      .setKey_value_metadata(java.util.List.of(new org.apache.parquet.format.KeyValue("k").setValue("v")));
    Util.writeFileMetaData(meta, out);
    Util.readFileMetaData(new ByteArrayInputStream(out.toByteArray()), true);
  }

  private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("the file ends early");
      }
    }
    return buffer.flip();
  }

  private static boolean magic(ByteBuffer b) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b.get(i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }
}
