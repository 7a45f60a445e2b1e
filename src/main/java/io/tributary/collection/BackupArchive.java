package io.tributary.collection;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The backup archive, a zip ({@link ArchiveWriter}): one {@code datasets/<dataset id>.parquet} entry per dataset,
 * STORED (Parquet is compressed already: deflating it again costs time and saves next to nothing), then {@code manifest.json}, deflated: {@code {format, format_version, collection, datasets,
 * dashboards, checksums: {entry: sha256}}}. Every entry but the manifest has its SHA-256 in the manifest; a reader
 * verifies all of them, and refuses entries the manifest does not list, before anything is used. Blocking.
 */
final class BackupArchive {

  static final String FORMAT = "tributary-collection-backup";
  static final int FORMAT_VERSION = 1;
  static final String MANIFEST = "manifest.json";
  private static final int BUFFER = 1 << 20;

  /** One file to store: its entry name and local path. */
  record Entry(String name, Path file) {
  }

  private BackupArchive() {
  }

  /** The entry of a dataset's Parquet file. */
  static String datasetEntry(String datasetId) {
    return "datasets/" + datasetId + ".parquet";
  }

  /**
   * Writes the archive to {@code target} (through a temporary name, moved into place at the end): the entries, then
   * the manifest with their checksums. {@code progress} is told the bytes written so far. @return the manifest
   */
  static JsonObject write(Path target, List<Entry> entries, JsonObject manifest, LongConsumer progress)
    throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    JsonObject checksums = new JsonObject();
    JsonObject full;
    try (ArchiveWriter zip = new ArchiveWriter(tmp)) {
      long done = 0;
      for (Entry e : entries) {
        long before = done;
        checksums.put(e.name(), zip.store(e.name(), e.file(), n -> progress.accept(before + n)));
        done += Files.size(e.file());
      }
      full = manifest.copy().put("format", FORMAT).put("format_version", FORMAT_VERSION).put("checksums", checksums);
      zip.deflate(MANIFEST, full.encodePrettily().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
      java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return full;
  }

  /** The manifest of an archive, its format checked; 400 INVALID_FILE when it is not a backup this version reads. */
  static JsonObject manifest(Path archive) {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      return manifest(zip);
    } catch (ZipException e) {
      throw invalid("The file is not a backup archive (not a zip file)");
    } catch (IOException e) {
      throw invalid("The backup archive cannot be read: " + e.getMessage());
    }
  }

  private static JsonObject manifest(ZipFile zip) throws IOException {
    ZipEntry entry = zip.getEntry(MANIFEST);
    if (entry == null) {
      throw invalid("The archive has no " + MANIFEST + "; it is not a Tributary backup");
    }
    if (entry.getSize() > 64L << 20) {
      throw invalid("The archive's manifest is larger than 64 MB");
    }
    JsonObject manifest;
    try (InputStream in = zip.getInputStream(entry)) {
      manifest = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw invalid("The archive's manifest is not valid JSON");
    }
    if (!FORMAT.equals(manifest.getValue("format"))) {
      throw invalid("The archive is not a Tributary collection backup (format " + manifest.getValue("format") + ")");
    }
    Object version = manifest.getValue("format_version");
    if (!(version instanceof Number n) || n.intValue() != FORMAT_VERSION) {
      throw invalid("The archive has format version " + version + "; this server reads version " + FORMAT_VERSION,
        new JsonObject().put("format_version", version).put("supported", FORMAT_VERSION));
    }
    if (manifest.getJsonObject("checksums") == null || manifest.getJsonObject("collection") == null
      || manifest.getJsonArray("datasets") == null) {
      throw invalid("The archive's manifest lacks checksums, collection or datasets");
    }
    return manifest;
  }

  /**
   * Verifies every entry against the manifest's SHA-256 and copies the dataset entries to {@code targets} (entry
   * name to local file) as it reads them. Fails with 400 INVALID_FILE naming the first entry that does not match, is
   * missing, or is not listed. {@code progress} is told the bytes read. @return the manifest
   */
  static JsonObject extract(Path archive, Map<String, Path> targets, LongConsumer progress) {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      JsonObject manifest = manifest(zip);
      JsonObject checksums = manifest.getJsonObject("checksums");
      Set<String> seen = new HashSet<>();
      Map<String, ZipEntry> entries = new LinkedHashMap<>();
      for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements(); ) {
        ZipEntry e = all.nextElement();
        if (e.isDirectory() || MANIFEST.equals(e.getName())) {
          continue;
        }
        if (!seen.add(e.getName()) || !checksums.containsKey(e.getName())) {
          throw invalid("The archive entry " + e.getName() + " is not listed in its manifest; nothing was restored",
            new JsonObject().put("entry", e.getName()));
        }
        entries.put(e.getName(), e);
      }
      for (String name : checksums.fieldNames()) {
        if (!entries.containsKey(name)) {
          throw invalid("The archive lacks the entry " + name + " its manifest lists; nothing was restored",
            new JsonObject().put("entry", name));
        }
      }
      try (FileChannel in = FileChannel.open(archive, StandardOpenOption.READ)) {
        Map<String, ArchiveReader.Stored> stored = ArchiveReader.stored(in);
        long done = 0;
        for (ZipEntry e : entries.values()) {
          long before = done;
          ArchiveReader.Stored at = stored.get(e.getName());
          String sha = at != null && at.size() == e.getSize()
            ? ArchiveReader.copy(in, at, targets.get(e.getName()), n -> progress.accept(before + n))
            : streamed(zip, e, targets.get(e.getName()), n -> progress.accept(before + n));
          if (!sha.equalsIgnoreCase(checksums.getString(e.getName()))) {
            throw mismatch(e.getName());
          }
          done += Math.max(0, e.getSize());
        }
      }
      return manifest;
    } catch (ZipException e) {
      throw invalid("The file is not a backup archive (not a zip file)");
    } catch (IOException e) {
      throw invalid("The backup archive cannot be read: " + e.getMessage());
    }
  }

  /**
   * Copies an entry that is not STORED through {@code ZipFile}'s stream, hashing it. @return its SHA-256, lowercase
   * hex
   */
  private static String streamed(ZipFile zip, ZipEntry e, Path target, LongConsumer progress) throws IOException {
    byte[] buffer = new byte[BUFFER];
    MessageDigest sha = sha256();
    long done = 0;
    try (InputStream in = zip.getInputStream(e);
         OutputStream out = target == null ? OutputStream.nullOutputStream() : Files.newOutputStream(target)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
        out.write(buffer, 0, n);
        done += n;
        progress.accept(done);
      }
    } catch (ZipException damaged) {
      throw mismatch(e.getName());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The bytes of every entry the manifest lists (for progress). */
  static long payloadBytes(Path archive) throws IOException {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      long total = 0;
      for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements(); ) {
        ZipEntry e = all.nextElement();
        total += MANIFEST.equals(e.getName()) ? 0 : Math.max(0, e.getSize());
      }
      return total;
    }
  }

  private static ApiException mismatch(String entry) {
    return invalid("Checksum mismatch in archive entry " + entry + ": the archive was changed or damaged; nothing "
      + "was restored", new JsonObject().put("entry", entry));
  }

  private static ApiException invalid(String message) {
    return invalid(message, new JsonObject());
  }

  private static ApiException invalid(String message, JsonObject details) {
    return new ApiException(ErrorCode.INVALID_FILE, message, details);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
