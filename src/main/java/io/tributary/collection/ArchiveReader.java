package io.tributary.collection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Reads a STORED entry of {@link BackupArchive}'s zip in one pass, as {@link ArchiveWriter} writes one: the kernel
 * copies its bytes from the archive to the target file ({@link FileChannel#transferTo}) while a second thread reads
 * the same bytes for their SHA-256. {@link java.util.zip.ZipFile} does not say where an entry's bytes start, so the
 * central directory and the local headers are read here (zip64 included); its stream copied each entry through the
 * heap on one thread, hashing as it went. Blocking.
 */
final class ArchiveReader {

  private static final int BUFFER = 1 << 20;
  private static final long MAX32 = 0xFFFFFFFFL;
  private static final int EOCD = 0x06054b50;
  /** The threads that hash while the kernel copies (backups and restores), kept a minute between jobs. */
  private static final ExecutorService HASHERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "archive-hash");
    t.setDaemon(true);
    return t;
  });

  /** A STORED entry: its name, size and where its bytes start in the archive. */
  record Stored(String name, long size, long data) {
  }

  private ArchiveReader() {
  }

  /**
   * The archive's STORED entries by name, each with where its bytes start; an empty map when the archive's layout is
   * not one this reads (then {@code ZipFile}'s stream reads it, as before).
   */
  static Map<String, Stored> stored(FileChannel in) throws IOException {
    try {
      return layout(in);
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      return Map.of(); // a directory that contradicts itself: ZipFile's stream reads what it can
    }
  }

  private static Map<String, Stored> layout(FileChannel in) throws IOException {
    long length = in.size();
    int tail = (int) Math.min(length, 22 + 0xFFFF);
    ByteBuffer end = read(in, length - tail, tail);
    int at = -1;
    for (int i = tail - 22; i >= 0; i--) {
      if (end.getInt(i) == EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      return Map.of();
    }
    long count = end.getShort(at + 10) & 0xFFFF;
    long size = end.getInt(at + 12) & MAX32;
    long offset = end.getInt(at + 16) & MAX32;
    long eocd = length - tail + at;
    if ((count == 0xFFFF || size == MAX32 || offset == MAX32) && eocd >= 20) {
      ByteBuffer locator = read(in, eocd - 20, 20);
      if (locator.getInt(0) == 0x07064b50) {
        ByteBuffer zip64 = read(in, locator.getLong(8), 56);
        if (zip64.getInt(0) == 0x06064b50) {
          count = zip64.getLong(32);
          size = zip64.getLong(40);
          offset = zip64.getLong(48);
        }
      }
    }
    if (size > 64L << 20 || offset < 0 || offset + size > length) {
      return Map.of();
    }
    ByteBuffer central = read(in, offset, (int) size);
    Map<String, Stored> out = new HashMap<>();
    for (int p = 0, n = 0; n < count && p + 46 <= size && central.getInt(p) == 0x02014b50; n++) {
      int method = central.getShort(p + 10) & 0xFFFF;
      long compressed = central.getInt(p + 20) & MAX32;
      long plain = central.getInt(p + 24) & MAX32;
      int nameLength = central.getShort(p + 28) & 0xFFFF;
      int extraLength = central.getShort(p + 30) & 0xFFFF;
      int commentLength = central.getShort(p + 32) & 0xFFFF;
      long local = central.getInt(p + 42) & MAX32;
      byte[] name = new byte[nameLength];
      central.get(p + 46, name);
      // zip64 extra field: the sizes and the offset that did not fit, in this order
      for (int x = p + 46 + nameLength, xEnd = x + extraLength; x + 4 <= xEnd; ) {
        int id = central.getShort(x) & 0xFFFF;
        int len = central.getShort(x + 2) & 0xFFFF;
        if (id == 1) {
          int f = x + 4;
          if (plain == MAX32 && f + 8 <= x + 4 + len) {
            plain = central.getLong(f);
            f += 8;
          }
          if (compressed == MAX32 && f + 8 <= x + 4 + len) {
            compressed = central.getLong(f);
            f += 8;
          }
          if (local == MAX32 && f + 8 <= x + 4 + len) {
            local = central.getLong(f);
          }
        }
        x += 4 + len;
      }
      if (method == ZipEntry.STORED && compressed == plain && local + 30 <= length) {
        ByteBuffer header = read(in, local, 30);
        long data = local + 30 + (header.getShort(26) & 0xFFFF) + (header.getShort(28) & 0xFFFF);
        if (header.getInt(0) == 0x04034b50 && data + plain <= length) {
          String entry = new String(name, StandardCharsets.UTF_8);
          out.put(entry, new Stored(entry, plain, data));
        }
      }
      p += 46 + nameLength + extraLength + commentLength;
    }
    return out;
  }

  /**
   * Copies the entry's bytes to {@code target} (nowhere when null) while a second thread computes their SHA-256;
   * {@code progress} is told the bytes copied. @return the SHA-256, lowercase hex
   */
  static String copy(FileChannel in, Stored entry, Path target, LongConsumer progress) throws IOException {
    MessageDigest sha = BackupArchive.sha256();
    CompletableFuture<Long> hashed = hash(in, entry.data(), entry.size(), sha, null);
    if (target != null) {
      try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
        for (long done = 0; done < entry.size(); ) {
          long n = in.transferTo(entry.data() + done, Math.min(entry.size() - done, 16L << 20), out);
          if (n <= 0) {
            throw new IOException("The archive ended inside entry " + entry.name());
          }
          done += n;
          progress.accept(done);
        }
      }
    }
    if (join(hashed) != entry.size()) {
      throw new IOException("The archive ended inside entry " + entry.name());
    }
    progress.accept(entry.size());
    return HexFormat.of().formatHex(sha.digest());
  }

  /**
   * On a hashing thread, reads at most {@code size} bytes of {@code in} from {@code position} into {@code sha} (and
   * {@code crc}, when not null). @return the bytes it read (fewer at the file's end)
   */
  static CompletableFuture<Long> hash(FileChannel in, long position, long size, MessageDigest sha, CRC32 crc) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    HASHERS.execute(() -> {
      try {
        byte[] buffer = new byte[BUFFER];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long read = 0;
        int n;
        while (read < size && (n = in.read(wrapped.clear().limit((int) Math.min(BUFFER, size - read)),
          position + read)) >= 0) {
          sha.update(buffer, 0, n);
          if (crc != null) {
            crc.update(buffer, 0, n);
          }
          read += n;
        }
        done.complete(read);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  /** The hashing thread's answer; its I/O failure as itself. */
  static long join(CompletableFuture<Long> future) throws IOException {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  private static ByteBuffer read(FileChannel in, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (in.read(b, position + b.position()) < 0) {
        throw new IOException("The archive is shorter than its directory says");
      }
    }
    return b.flip();
  }
}
