package io.tributary.cli;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A multipart upload of form fields and one file, streamed from disk with a progress bar of the bytes sent. */
final class Multipart {

  private Multipart() {
  }

  /** Posts the fields, then the file as part {@code part}; returns the JSON reply. */
  static JsonObject send(Cli cli, ApiClient api, String path, Map<String, String> fields, String part, Path file,
                         String label) throws IOException {
    String boundary = "----tributary-cli-" + UUID.randomUUID();
    StringBuilder head = new StringBuilder();
    fields.forEach((name, value) -> head.append("--").append(boundary)
      .append("\r\nContent-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n").append(value).append("\r\n"));
    head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(part)
      .append("\"; filename=\"").append(file.getFileName().toString().replace("\"", ""))
      .append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    byte[] before = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] after = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    long size = Files.size(file);
    long total = before.length + size + after.length;
    Progress bar = new Progress(cli.err, label);
    try {
      JsonObject reply = api.sendRaw("POST", path, "multipart/form-data; boundary=" + boundary,
        () -> counting(body(before, file, after), total, size, bar), total).json();
      bar.show(100, Formats.size(size) + " sent");
      return reply;
    } finally {
      bar.done();
    }
  }

  private static InputStream body(byte[] before, Path file, byte[] after) {
    try {
      return new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(before),
        Files.newInputStream(file), new ByteArrayInputStream(after))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream counting(InputStream in, long total, long fileSize, Progress bar) {
    return new FilterInputStream(in) {
      private long read;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          read += n;
          bar.show((int) (read * 100 / total), Formats.size(Math.min(read, fileSize)) + " / " + Formats.size(fileSize));
        }
        return n;
      }
    };
  }
}
