package io.tributary.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import net.logstash.logback.composite.AbstractJsonProvider;

import java.io.IOException;

/** Adds {@code request_id} and {@code user_id} of the current request to JSON log lines (logstash encoder). */
public final class RequestJsonProvider extends AbstractJsonProvider<ILoggingEvent> {

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    LogContext.Fields f = LogContext.current();
    if (f != null) {
      if (f.requestId() != null) {
        generator.writeStringField("request_id", f.requestId());
      }
      if (f.userId() != null) {
        generator.writeStringField("user_id", f.userId());
      }
    }
  }
}
