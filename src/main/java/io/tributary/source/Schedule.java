package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When an import refreshes: {@code every <n><s|m|h|d>} (for example {@code every 15m}), or a five-field cron
 * expression in UTC ({@code minute hour day-of-month month day-of-week}; {@code *}, numbers, lists, ranges and
 * {@code /step}; day of week 0-7 with 0 and 7 Sunday; when both day fields are restricted, either matches).
 */
final class Schedule {

  private static final Pattern EVERY = Pattern.compile("every\\s+(\\d{1,6})\\s*([smhd])");

  private final String expression;
  private final long intervalSeconds;
  private final BitSet[] fields;
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;

  private Schedule(String expression, long intervalSeconds, BitSet[] fields, boolean anyDom, boolean anyDow) {
    this.expression = expression;
    this.intervalSeconds = intervalSeconds;
    this.fields = fields;
    this.anyDayOfMonth = anyDom;
    this.anyDayOfWeek = anyDow;
  }

  /** Parses a schedule; 400 naming the field when it is not one, or runs more often than {@code minSeconds}. */
  static Schedule parse(String text, long minSeconds) {
    String expr = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    Matcher every = EVERY.matcher(expr);
    if (every.matches()) {
      long n = Long.parseLong(every.group(1));
      long seconds = n * switch (every.group(2)) {
        case "s" -> 1L;
        case "m" -> 60L;
        case "h" -> 3600L;
        default -> 86_400L;
      };
      if (seconds < minSeconds) {
        throw invalid("schedule runs more often than every " + minSeconds + " s, the smallest interval allowed");
      }
      return new Schedule(expr, seconds, null, true, true);
    }
    String[] parts = expr.split(" ");
    if (parts.length != 5) {
      throw invalid("schedule must be 'every <n>s|m|h|d' (e.g. every 15m) or a cron expression of five fields");
    }
    int[][] ranges = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
    BitSet[] fields = new BitSet[5];
    for (int i = 0; i < 5; i++) {
      fields[i] = field(parts[i], ranges[i][0], ranges[i][1]);
    }
    if (fields[4].get(7)) {
      fields[4].set(0);
    }
    return new Schedule(expr, 0, fields, parts[2].equals("*"), parts[4].equals("*"));
  }

  private static BitSet field(String text, int min, int max) {
    BitSet bits = new BitSet();
    for (String item : text.split(",")) {
      String[] stepped = item.split("/", -1);
      if (stepped.length > 2) {
        throw invalid("schedule has a malformed cron field: " + text);
      }
      int step = stepped.length == 2 ? number(stepped[1], 1, max) : 1;
      int from;
      int to;
      if (stepped[0].equals("*")) {
        from = min;
        to = max;
      } else if (stepped[0].contains("-")) {
        String[] range = stepped[0].split("-", -1);
        from = number(range[0], min, max);
        to = number(range[1], min, max);
      } else {
        from = number(stepped[0], min, max);
        to = stepped.length == 2 ? max : from;
      }
      if (from > to) {
        throw invalid("schedule has an empty range: " + item);
      }
      for (int v = from; v <= to; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String text, int min, int max) {
    try {
      int n = Integer.parseInt(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw invalid("schedule field value " + text + " is not between " + min + " and " + max);
  }

  private static ApiException invalid(String message) {
    return new ApiException(ErrorCode.VALIDATION_FAILED, message, new JsonObject().put("field", "schedule"));
  }

  String expression() {
    return expression;
  }

  /** The first run strictly after {@code after}. */
  Instant next(Instant after) {
    if (intervalSeconds > 0) {
      return after.plusSeconds(intervalSeconds);
    }
    ZonedDateTime t = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    // at most five years of minutes: a date like 31 February never matches
    for (int i = 0; i < 5 * 366 * 24 * 60; i++) {
      if (!fields[3].get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
        continue;
      }
      if (!dayMatches(t)) {
        t = t.withHour(0).withMinute(0).plusDays(1);
        continue;
      }
      if (!fields[1].get(t.getHour())) {
        t = t.withMinute(0).plusHours(1);
        continue;
      }
      if (fields[0].get(t.getMinute())) {
        return t.toInstant();
      }
      t = t.plusMinutes(1);
    }
    throw invalid("schedule never runs: " + expression);
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = fields[2].get(t.getDayOfMonth());
    boolean dow = fields[4].get(t.getDayOfWeek().getValue() % 7);
    if (anyDayOfMonth && anyDayOfWeek) {
      return true;
    }
    if (anyDayOfMonth) {
      return dow;
    }
    if (anyDayOfWeek) {
      return dom;
    }
    return dom || dow;
  }
}
