package io.tributary.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Bodies kept gzip-compressed, for replies sent many times (compressed once, when cached). Encoding and decoding are
 * CPU work: call them on a worker.
 */
public final class Gzip {

  private Gzip() {
  }

  /** Whether the request's {@code Accept-Encoding} takes gzip (and does not refuse it with {@code q=0}). */
  public static boolean accepted(HttpServerRequest request) {
    String header = request.getHeader("Accept-Encoding");
    if (header == null) {
      return false;
    }
    for (String coding : header.split(",")) {
      String[] parts = coding.trim().split(";");
      if (parts[0].trim().equalsIgnoreCase("gzip")) {
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].trim().replace(" ", "");
          if (p.startsWith("q=") && Double.parseDouble(zeroIfBad(p.substring(2))) == 0) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  private static String zeroIfBad(String q) {
    return q.matches("[0-9.]{1,5}") ? q : "0";
  }

  /** The gzip encoding of {@code plain}. */
  public static Buffer encode(Buffer plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, plain.length() / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
      gz.write(plain.getBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  /** The plain bytes of a gzip body made by {@link #encode}. */
  public static Buffer decode(Buffer gzipped) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.getBytes()), 1 << 16)) {
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
