package io.tributary.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %request} in a text pattern: {@code [request_id=... user_id=...] } of the current request, or nothing. */
public final class RequestConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    LogContext.Fields f = LogContext.current();
    if (f == null) {
      return "";
    }
    return "[request_id=" + f.requestId() + (f.userId() == null ? "" : " user_id=" + f.userId()) + "] ";
  }
}
