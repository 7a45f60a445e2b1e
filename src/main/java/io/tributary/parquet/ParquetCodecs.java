package io.tributary.parquet;

import com.github.luben.zstd.Zstd;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Parquet page compression on snappy-java, zstd-jni and java.util.zip, so neither writing nor reading needs a
 * Hadoop Configuration (Parquet's own factory builds one). Supports UNCOMPRESSED, SNAPPY, ZSTD and GZIP.
 */
public final class ParquetCodecs implements CompressionCodecFactory {

  public static final ParquetCodecs INSTANCE = new ParquetCodecs();

  private ParquetCodecs() {
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return new BytesInputCompressor() {
      @Override
      public BytesInput compress(BytesInput bytes) throws IOException {
        byte[] in = bytes.toByteArray();
        return switch (codec) {
          case UNCOMPRESSED -> BytesInput.from(in);
          case SNAPPY -> BytesInput.from(Snappy.compress(in));
          case ZSTD -> BytesInput.from(Zstd.compress(in, 3));
          case GZIP -> BytesInput.from(gzip(in));
          default -> throw new IOException("unsupported Parquet compression " + codec);
        };
      }

      @Override
      public CompressionCodecName getCodecName() {
        return codec;
      }

      @Override
      public void release() {
        // stateless
      }
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return new BytesInputDecompressor() {
      @Override
      public BytesInput decompress(BytesInput bytes, int size) throws IOException {
        return BytesInput.from(decompressBytes(codec, bytes.toByteArray(), size));
      }

      @Override
      public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int size) throws IOException {
        byte[] in = new byte[compressedSize];
        input.get(in);
        output.put(decompressBytes(codec, in, size));
      }

      @Override
      public void release() {
        // stateless
      }
    };
  }

  @Override
  public void release() {
    // stateless
  }

  static byte[] decompressBytes(CompressionCodecName codec, byte[] in, int size) throws IOException {
    byte[] out = switch (codec) {
      case UNCOMPRESSED -> in;
      case SNAPPY -> Snappy.uncompress(in);
      case ZSTD -> Zstd.decompress(in, size);
      case GZIP -> {
        try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
          yield gz.readAllBytes();
        }
      }
      default -> throw new IOException("unsupported Parquet compression " + codec);
    };
    if (out.length != size) {
      throw new IOException("corrupt " + codec + " page: " + out.length + " bytes instead of " + size);
    }
    return out;
  }

  private static byte[] gzip(byte[] in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(in.length / 2 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(in);
    }
    return bytes.toByteArray();
  }
}
