package io.tributary.search;

import io.vertx.core.buffer.Buffer;

/** Unit-length vectors as stored in {@code search_embeddings.vector}: float32, little-endian. */
final class Vectors {

  private Vectors() {
  }

  static Buffer encode(float[] v) {
    Buffer b = Buffer.buffer(v.length * 4);
    for (float f : v) {
      b.appendFloatLE(f);
    }
    return b;
  }

  /** The cosine similarity of a stored unit vector and a unit query vector (0 when their lengths differ). */
  static double cosine(Buffer stored, float[] query) {
    if (stored.length() != query.length * 4) {
      return 0;
    }
    double dot = 0;
    for (int i = 0; i < query.length; i++) {
      dot += stored.getFloatLE(i * 4) * (double) query[i];
    }
    return dot;
  }
}
