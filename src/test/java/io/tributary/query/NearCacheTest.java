package io.tributary.query;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NearCacheTest {

  @Test
  @DisplayName("keeps the most recently used entries within its byte bound")
  void boundedLru() {
    NearCache cache = new NearCache(4_000, 60);
    cache.put("a", Buffer.buffer(new byte[1_000]));
    cache.put("b", Buffer.buffer(new byte[1_000]));
    cache.put("c", Buffer.buffer(new byte[1_000]));
    assertThat(cache.get("a")).isNotNull(); // a is now the most recent
    cache.put("d", Buffer.buffer(new byte[1_000]));
    cache.put("e", Buffer.buffer(new byte[1_000])); // 5,000 bytes: the least recent (b) leaves
    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("a")).isNotNull();
    assertThat(cache.get("e").length()).isEqualTo(1_000);
    cache.put("big", Buffer.buffer(new byte[1_001])); // over a quarter of the bound: never kept
    assertThat(cache.get("big")).isNull();
  }

  @Test
  @DisplayName("forgets an entry when its time to live is over, and keeps nothing when its bound is 0")
  void expiresAndOff() throws Exception {
    NearCache cache = new NearCache(4_000, 0);
    cache.put("a", Buffer.buffer("x"));
    Thread.sleep(2);
    assertThat(cache.get("a")).isNull();
    NearCache off = new NearCache(0, 60);
    off.put("a", Buffer.buffer("x"));
    assertThat(off.get("a")).isNull();
  }

  @Test
  @DisplayName("replacing an entry keeps the byte count right")
  void replace() {
    NearCache cache = new NearCache(2_000, 60);
    for (int i = 0; i < 100; i++) {
      cache.put("a", Buffer.buffer(new byte[500]));
    }
    cache.put("b", Buffer.buffer(new byte[500]));
    cache.put("c", Buffer.buffer(new byte[500]));
    assertThat(cache.get("a")).isNotNull();
    assertThat(cache.get("b")).isNotNull();
    assertThat(cache.get("c")).isNotNull();
  }
}
