package io.tributary.http;

import com.fasterxml.jackson.core.JsonParser;
import io.tributary.Tributary;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Numbers in JSON request bodies")
class JsonNumbersTest {

  @Test
  @DisplayName("read with the fast parser are exactly the doubles the JDK reads, to the last bit")
  void sameAsJdk() {
    Tributary.vertxBuilder(new VertxOptions());
    assertThat(DatabindCodec.mapper().isEnabled(JsonParser.Feature.USE_FAST_DOUBLE_PARSER)).isTrue();
    Random random = new Random(1);
    for (int i = 0; i < 200_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      String text = switch (i % 4) {
        case 0 -> Double.toString(random.nextGaussian());
        case 1 -> Double.isFinite(d) ? Double.toString(d) : "1e308";
        case 2 -> random.nextInt(1000) + "." + Long.toUnsignedString(random.nextLong()) + random.nextInt(1000);
        default -> String.format(java.util.Locale.ROOT, "%.25e", random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
      };
      JsonObject parsed = (JsonObject) io.vertx.core.json.Json.decodeValue(io.vertx.core.buffer.Buffer.buffer(
        "{\"x\":" + text + "}"));
      assertThat(Double.doubleToRawLongBits(((Number) parsed.getValue("x")).doubleValue())).as(text)
        .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }
  }
}
