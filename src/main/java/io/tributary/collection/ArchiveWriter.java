package io.tributary.collection;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;

/**
 * Writes {@link BackupArchive}'s zip in one pass over each file: a STORED entry's bytes go from the file to the
 * archive in the kernel ({@link FileChannel#transferTo}) while a second thread reads the file once for its CRC-32 and
 * SHA-256 ({@link ArchiveReader#hash}); its local header, written first with the size (known: lake files are
 * immutable), gets its CRC when both are done. {@link java.util.zip.ZipOutputStream} needs a STORED entry's CRC before its bytes, so it read every file
 * twice and copied it through the heap. Zip64 records are written only where a size, an offset or the entry count
 * needs them, as {@code ZipOutputStream} does; {@link java.util.zip.ZipFile} and {@code ZipInputStream} read the
 * result. Blocking; one archive per instance.
 */
final class ArchiveWriter implements Closeable {

  private static final long MAX32 = 0xFFFFFFFFL;
  private static final int UTF8_FLAG = 0x800;

  /** An entry as the central directory lists it. */
  private record Central(byte[] name, int method, int version, long crc, long compressed, long size, long offset) {
  }

  private final FileChannel out;
  private final List<Central> central = new ArrayList<>();
  private final int dosTime;

  ArchiveWriter(Path target) throws IOException {
    out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
      StandardOpenOption.WRITE);
    dosTime = dosTime(LocalDateTime.now());
  }

  /**
   * Stores {@code file} as the STORED entry {@code name}; {@code progress} is told the entry's bytes as they are
   * copied. @return the file's SHA-256, lowercase hex
   */
  String store(String name, Path file, LongConsumer progress) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      long offset = out.position();
      byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
      out.write(localHeader(bytes, ZipEntry.STORED, 0, size, size));
      MessageDigest sha = BackupArchive.sha256();
      CRC32 crc = new CRC32();
      CompletableFuture<Long> hashed = ArchiveReader.hash(in, 0, Long.MAX_VALUE, sha, crc);
      long start = out.position();
      for (long done = 0; done < size; ) {
        long n = in.transferTo(done, Math.min(size - done, 16L << 20), out.position(start + done));
        if (n <= 0) {
          throw new IOException(file + " became shorter while it was archived");
        }
        done += n;
        progress.accept(done);
      }
      out.position(start + size);
      if (ArchiveReader.join(hashed) != size) {
        throw new IOException(file + " changed size while it was archived");
      }
      // the CRC sits 14 bytes into the local header
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue()), offset + 14);
      central.add(new Central(bytes, ZipEntry.STORED, version(size, size, 0), crc.getValue(), size, size, offset));
      return HexFormat.of().formatHex(sha.digest());
    }
  }

  /** Adds {@code data} as the deflated entry {@code name}. */
  void deflate(String name, byte[] data) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(data);
    Deflater deflater = new Deflater(6, true);
    deflater.setInput(data);
    deflater.finish();
    java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream(data.length / 4 + 64);
    byte[] chunk = new byte[1 << 16];
    while (!deflater.finished()) {
      compressed.write(chunk, 0, deflater.deflate(chunk));
    }
    deflater.end();
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    long offset = out.position();
    out.write(localHeader(bytes, ZipEntry.DEFLATED, crc.getValue(), compressed.size(), data.length));
    out.write(ByteBuffer.wrap(compressed.toByteArray()));
    central.add(new Central(bytes, ZipEntry.DEFLATED, version(compressed.size(), data.length, 0), crc.getValue(),
      compressed.size(), data.length, offset));
  }

  /** Writes the central directory and closes the file. */
  @Override
  public void close() throws IOException {
    try (out) {
      long start = out.position();
      for (Central c : central) {
        out.write(centralHeader(c));
      }
      long end = out.position();
      long length = end - start;
      boolean zip64 = central.size() >= 0xFFFF || start >= MAX32 || length >= MAX32;
      if (zip64) {
        ByteBuffer record = le(56 + 20).putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45)
          .putInt(0).putInt(0).putLong(central.size()).putLong(central.size()).putLong(length).putLong(start);
        record.putInt(0x07064b50).putInt(0).putLong(end).putInt(1);
        out.write(record.flip());
      }
      ByteBuffer eocd = le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
        .putShort((short) Math.min(central.size(), 0xFFFF)).putShort((short) Math.min(central.size(), 0xFFFF))
        .putInt((int) Math.min(length, MAX32)).putInt((int) Math.min(start, MAX32)).putShort((short) 0);
      out.write(eocd.flip());
    }
  }

  private ByteBuffer localHeader(byte[] name, int method, long crc, long compressed, long size) {
    boolean zip64 = compressed >= MAX32 || size >= MAX32;
    ByteBuffer b = le(30 + name.length + (zip64 ? 20 : 0)).putInt(0x04034b50)
      .putShort((short) version(compressed, size, 0)).putShort((short) UTF8_FLAG).putShort((short) method)
      .putInt(dosTime).putInt((int) crc).putInt((int) (zip64 ? MAX32 : compressed))
      .putInt((int) (zip64 ? MAX32 : size)).putShort((short) name.length).putShort((short) (zip64 ? 20 : 0)).put(name);
    if (zip64) {
      b.putShort((short) 1).putShort((short) 16).putLong(size).putLong(compressed);
    }
    return b.flip();
  }

  private ByteBuffer centralHeader(Central c) {
    boolean bigSizes = c.compressed() >= MAX32 || c.size() >= MAX32;
    boolean bigOffset = c.offset() >= MAX32;
    int extra = (bigSizes ? 16 : 0) + (bigOffset ? 8 : 0);
    ByteBuffer b = le(46 + c.name().length + (extra > 0 ? 4 + extra : 0)).putInt(0x02014b50)
      .putShort((short) version(c.compressed(), c.size(), c.offset())).putShort((short) version(c.compressed(),
        c.size(), c.offset())).putShort((short) UTF8_FLAG).putShort((short) c.method()).putInt(dosTime)
      .putInt((int) c.crc()).putInt((int) (bigSizes ? MAX32 : c.compressed())).putInt((int) (bigSizes ? MAX32 : c.size()))
      .putShort((short) c.name().length).putShort((short) (extra > 0 ? 4 + extra : 0)).putShort((short) 0)
      .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) (bigOffset ? MAX32 : c.offset())).put(c.name());
    if (extra > 0) {
      b.putShort((short) 1).putShort((short) extra);
      if (bigSizes) {
        b.putLong(c.size()).putLong(c.compressed());
      }
      if (bigOffset) {
        b.putLong(c.offset());
      }
    }
    return b.flip();
  }

  /** The zip version needed: 4.5 with zip64 fields, else 2.0 (deflate) / 1.0 (stored). */
  private static int version(long compressed, long size, long offset) {
    return compressed >= MAX32 || size >= MAX32 || offset >= MAX32 ? 45 : 20;
  }

  private static ByteBuffer le(int capacity) {
    return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int dosTime(LocalDateTime t) {
    int year = Math.max(1980, t.getYear());
    return (year - 1980) << 25 | t.getMonthValue() << 21 | t.getDayOfMonth() << 16 | t.getHour() << 11
      | t.getMinute() << 5 | t.getSecond() >> 1;
  }
}
