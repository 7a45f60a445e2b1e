package io.tributary.collection;

import io.tributary.bus.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The backup archive")
class BackupArchiveTest {

  @TempDir
  Path dir;

  /** Files of 20 MB (more than one kernel copy), 1 byte and 0 bytes. */
  private List<BackupArchive.Entry> files() throws IOException {
    List<BackupArchive.Entry> entries = new ArrayList<>();
    int[] sizes = {20_000_003, 1, 0};
    Random random = new Random(7);
    for (int i = 0; i < sizes.length; i++) {
      byte[] bytes = new byte[sizes[i]];
      random.nextBytes(bytes);
      Path file = Files.write(dir.resolve("d" + i + ".parquet"), bytes);
      entries.add(new BackupArchive.Entry(BackupArchive.datasetEntry("d" + i), file));
    }
    return entries;
  }

  private static JsonObject manifest() {
    return new JsonObject().put("collection", new JsonObject().put("name", "c")).put("datasets", new JsonArray());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  @DisplayName("is a zip that zip readers verify (CRC included) and that restore extracts byte for byte")
  void readableAndVerified() throws Exception {
    List<BackupArchive.Entry> entries = files();
    Path archive = dir.resolve("out/backup.zip");
    long[] progress = {0};
    JsonObject written = BackupArchive.write(archive, entries, manifest(), n -> progress[0] = n);
    assertThat(progress[0]).isEqualTo(20_000_004);
    assertThat(archive.resolveSibling("backup.zip.tmp")).doesNotExist();

    try (ZipFile zip = new ZipFile(archive.toFile())) {
      assertThat(zip.size()).isEqualTo(4);
      assertThat(zip.getEntry(BackupArchive.MANIFEST).getMethod()).isEqualTo(ZipEntry.DEFLATED);
      for (BackupArchive.Entry e : entries) {
        ZipEntry entry = zip.getEntry(e.name());
        assertThat(entry.getMethod()).as(e.name()).isEqualTo(ZipEntry.STORED);
        byte[] bytes = zip.getInputStream(entry).readAllBytes();
        assertThat(bytes).as(e.name()).isEqualTo(Files.readAllBytes(e.file()));
        assertThat(written.getJsonObject("checksums").getString(e.name())).isEqualTo(sha256(bytes));
      }
    }
    // ZipInputStream reads the local headers and checks every entry's CRC-32
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(archive))) {
      int n = 0;
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry(), n++) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      assertThat(n).isEqualTo(4);
    }
    Map<String, Path> targets = new LinkedHashMap<>();
    entries.forEach(e -> targets.put(e.name(), dir.resolve("restored-" + e.file().getFileName())));
    assertThat(BackupArchive.extract(archive, targets, n -> { }).getJsonObject("checksums"))
      .isEqualTo(written.getJsonObject("checksums"));
    for (BackupArchive.Entry e : entries) {
      assertThat(targets.get(e.name())).hasSameBinaryContentAs(e.file());
    }
  }

  @Test
  @DisplayName("written by the earlier writer (ZipOutputStream) still restores, and still fails when changed")
  void earlierArchives() throws Exception {
    List<BackupArchive.Entry> entries = files();
    JsonObject checksums = new JsonObject();
    Path archive = dir.resolve("old.zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
      for (BackupArchive.Entry e : entries) {
        byte[] bytes = Files.readAllBytes(e.file());
        CRC32 crc = new CRC32();
        crc.update(bytes);
        ZipEntry entry = new ZipEntry(e.name());
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
        checksums.put(e.name(), sha256(bytes));
      }
      zip.putNextEntry(new ZipEntry(BackupArchive.MANIFEST));
      zip.write(manifest().put("format", BackupArchive.FORMAT).put("format_version", BackupArchive.FORMAT_VERSION)
        .put("checksums", checksums).encodePrettily().getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    Path target = dir.resolve("restored.parquet");
    BackupArchive.extract(archive, Map.of(entries.get(0).name(), target), n -> { });
    assertThat(target).hasSameBinaryContentAs(entries.get(0).file());

    // one byte changed in the middle of the first entry's data: the checksum catches it
    byte[] bytes = Files.readAllBytes(archive);
    bytes[10_000_000] ^= 1;
    Path damaged = Files.write(dir.resolve("damaged.zip"), bytes);
    assertThatThrownBy(() -> BackupArchive.extract(damaged, Map.of(), n -> { })).isInstanceOf(ApiException.class)
      .hasMessageContaining("Checksum mismatch in archive entry " + entries.get(0).name());
  }

  @Test
  @DisplayName("with a deflated dataset entry (another zip tool) still restores, checked, and fails when changed")
  void deflatedEntries() throws Exception {
    byte[] bytes = new byte[3_000_000];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i % 251 < 200 ? 'a' + i % 7 : i);
    }
    String name = BackupArchive.datasetEntry("d");
    Path archive = dir.resolve("deflated.zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
      zip.putNextEntry(new ZipEntry(name));
      zip.write(bytes);
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry(BackupArchive.MANIFEST));
      zip.write(manifest().put("format", BackupArchive.FORMAT).put("format_version", BackupArchive.FORMAT_VERSION)
        .put("checksums", new JsonObject().put(name, sha256(bytes))).encode().getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    Path target = dir.resolve("restored.parquet");
    long[] progress = {0};
    BackupArchive.extract(archive, Map.of(name, target), n -> progress[0] = n);
    assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
    assertThat(progress[0]).isEqualTo(bytes.length);

    Path other = dir.resolve("other.zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(other))) {
      zip.putNextEntry(new ZipEntry(name));
      zip.write(bytes, 0, bytes.length - 1);
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry(BackupArchive.MANIFEST));
      zip.write(manifest().put("format", BackupArchive.FORMAT).put("format_version", BackupArchive.FORMAT_VERSION)
        .put("checksums", new JsonObject().put(name, sha256(bytes))).encode().getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    assertThatThrownBy(() -> BackupArchive.extract(other, Map.of(), n -> { })).isInstanceOf(ApiException.class)
      .hasMessageContaining("Checksum mismatch in archive entry " + name);
  }

  @Test
  @DisplayName("finds where every entry's bytes start when the entry count needs zip64 records")
  void zip64Directory() throws Exception {
    Path archive = dir.resolve("many.zip");
    CRC32 crc = new CRC32();
    crc.update(42);
    // ZipOutputStream, like ArchiveWriter, writes zip64 end records from 65,535 entries on
    try (ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(archive)))) {
      for (int i = 0; i < 0xFFFF; i++) {
        ZipEntry entry = new ZipEntry(BackupArchive.datasetEntry("d" + i));
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(1);
        entry.setCompressedSize(1);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(42);
        zip.closeEntry();
      }
    }
    try (FileChannel in = FileChannel.open(archive)) {
      Map<String, ArchiveReader.Stored> stored = ArchiveReader.stored(in);
      assertThat(stored).hasSize(0xFFFF);
      for (String name : List.of(BackupArchive.datasetEntry("d0"), BackupArchive.datasetEntry("d65534"))) {
        ByteBuffer b = ByteBuffer.allocate(1);
        in.read(b, stored.get(name).data());
        assertThat(b.get(0)).as(name).isEqualTo((byte) 42);
      }
    }
  }
}
