package io.tributary.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.tributary.logging.RequestJsonProvider;
import io.tributary.support.Api;
import io.vertx.core.json.JsonObject;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("JSON log lines")
class JsonLogTest {

  @Test
  @DisplayName("carry the timestamp, level, request_id and user_id of the request they were written for")
  void requestFields() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger access = context.getLogger("io.tributary.access");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.addProvider(new RequestJsonProvider());
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    Level before = access.getLevel();
    access.setLevel(Level.DEBUG);
    access.addAppender(appender);
    try {
      Api user = Api.newUser("analyst");
      var r = user.get("/api/v1/data/datasets");
      assertThat(r.statusCode()).isEqualTo(200);
      Api.sleep(200);
      String requestId = r.getHeader("X-Request-Id");
      List<JsonObject> lines = out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
      JsonObject line = lines.stream().filter(l -> requestId.equals(l.getString("request_id"))).findFirst().orElseThrow();
      assertThat(line.getString("user_id")).isEqualTo(sub(user.token()));
      assertThat(line.getString("level")).isEqualTo("DEBUG");
      assertThat(line.getString("@timestamp")).isNotBlank();
      assertThat(line.getString("message")).contains("GET /api/v1/data/datasets 200");
    } finally {
      access.detachAppender(appender);
      access.setLevel(before);
      appender.stop();
    }
  }

  private static String sub(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
      .getString("sub");
  }
}
