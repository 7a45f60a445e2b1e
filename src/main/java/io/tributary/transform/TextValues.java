package io.tributary.transform;

/**
 * Fast recognition and parsing of the text forms the inference accepts: integers, decimals, booleans, ISO
 * dates ({@code YYYY-MM-DD}) and ISO date-times ({@code YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH[:MM]]}).
 * Digit arithmetic instead of java.time or regular expressions: this runs for every field of every row.
 */
final class TextValues {

  private static final long MICROS_PER_DAY = 86_400_000_000L;
  /** Exact powers of ten as doubles (up to 10^15: the fast path's longest fraction). */
  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

  private TextValues() {
  }

  static boolean isLong(String s) {
    int n = s.length();
    int i = 0;
    if (n == 0) {
      return false;
    }
    char c = s.charAt(0);
    if (c == '-' || c == '+') {
      i = 1;
      if (n == 1) {
        return false;
      }
    }
    int digits = n - i;
    for (; i < n; i++) {
      c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    if (digits < 19) {
      return true;
    }
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Plain decimal numbers: [+-]digits[.digits][e[+-]digits], at least one mantissa digit. */
  static boolean isDouble(String s) {
    int n = s.length();
    int i = 0;
    if (n == 0) {
      return false;
    }
    char c = s.charAt(0);
    if (c == '-' || c == '+') {
      i++;
    }
    int mantissa = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      mantissa++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        mantissa++;
      }
    }
    if (mantissa == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        i++;
      }
      int exp = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        exp++;
      }
      if (exp == 0) {
        return false;
      }
    }
    return i == n;
  }

  /**
   * The value of {@code [+-]digits} with 1 to 18 ASCII digits (exactly what {@link Long#parseLong} gives), or
   * {@link Long#MIN_VALUE} for any other text (which may still be an integer: check it the long way).
   */
  static long shortLong(char[] buf, int begin, int len) {
    int end = begin + len;
    int i = begin + signLength(buf, begin, len);
    boolean negative = i > begin && buf[begin] == '-';
    if (i == end || end - i > 18) {
      return Long.MIN_VALUE;
    }
    long v = 0;
    for (; i < end; i++) {
      char c = buf[i];
      if (c < '0' || c > '9') {
        return Long.MIN_VALUE;
      }
      v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
  }

  /**
   * The double of {@code [+-]digits[.digits]} with 1 to 15 digits, exactly as {@link Double#parseDouble} gives it,
   * or NaN for any other text (which may still be a number: check it the long way). Clinger's fast path: the
   * digits and the power of ten are both exact doubles, so one correctly rounded division is the correctly rounded
   * value.
   */
  static double shortDecimal(char[] buf, int begin, int len) {
    int end = begin + len;
    int i = begin + signLength(buf, begin, len);
    boolean negative = i > begin && buf[begin] == '-';
    long digits = 0;
    int count = 0;
    int fraction = -1;
    for (; i < end; i++) {
      char c = buf[i];
      if (c >= '0' && c <= '9') {
        digits = digits * 10 + (c - '0');
        if (++count > 15) {
          return Double.NaN;
        }
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.NaN;
      }
    }
    if (count == 0) {
      return Double.NaN;
    }
    double value = fraction <= 0 ? (double) digits : (double) digits / POWERS_OF_TEN[fraction];
    return negative ? -value : value;
  }

  /** 1 when the text starts with a sign, else 0. */
  private static int signLength(char[] buf, int begin, int len) {
    return len > 0 && (buf[begin] == '-' || buf[begin] == '+') ? 1 : 0;
  }

  static boolean isBoolean(String s) {
    return s.length() == 4 ? s.equalsIgnoreCase("true") : s.length() == 5 && s.equalsIgnoreCase("false");
  }

  static boolean parseBoolean(String s) {
    return s.length() == 4;
  }

  /** Days since 1970-01-01 of an ISO date, or {@link Integer#MIN_VALUE} when {@code s} is not one. */
  static int epochDay(String s) {
    if (s.length() != 10) {
      return Integer.MIN_VALUE;
    }
    return dateAt(s);
  }

  static boolean isDate(String s) {
    return epochDay(s) != Integer.MIN_VALUE;
  }

  /**
   * Microseconds since 1970-01-01T00:00 (wall-clock; a value with an offset is converted to UTC) of an ISO
   * date-time, or {@link Long#MIN_VALUE} when {@code s} is not one.
   */
  static long epochMicros(String s) {
    int n = s.length();
    if (n < 16) {
      return Long.MIN_VALUE;
    }
    int day = dateAt(s);
    char sep = s.charAt(10);
    if (day == Integer.MIN_VALUE || (sep != 'T' && sep != ' ') || s.charAt(13) != ':') {
      return Long.MIN_VALUE;
    }
    int hour = two(s, 11);
    int minute = two(s, 14);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return Long.MIN_VALUE;
    }
    int i = 16;
    int second = 0;
    long micros = 0;
    if (i < n && s.charAt(i) == ':') {
      if (i + 3 > n) {
        return Long.MIN_VALUE;
      }
      second = two(s, i + 1);
      if (second < 0 || second > 59) {
        return Long.MIN_VALUE;
      }
      i += 3;
      if (i < n && s.charAt(i) == '.') {
        i++;
        int start = i;
        long scale = 100_000;
        while (i < n && isDigit(s.charAt(i))) {
          if (scale > 0) {
            micros += (s.charAt(i) - '0') * scale;
            scale /= 10;
          }
          i++;
        }
        if (i == start || i - start > 9) {
          return Long.MIN_VALUE;
        }
      }
    }
    long offsetSeconds = 0;
    if (i < n) {
      char z = s.charAt(i);
      if (z == 'Z' && i == n - 1) {
        i++;
      } else if (z == '+' || z == '-') {
        int oh = i + 3 <= n ? two(s, i + 1) : -1;
        int om = 0;
        int j = i + 3;
        if (j < n && s.charAt(j) == ':') {
          j++;
        }
        if (j + 2 == n) {
          om = two(s, j);
          j += 2;
        }
        if (oh < 0 || oh > 18 || om < 0 || om > 59 || j != n) {
          return Long.MIN_VALUE;
        }
        offsetSeconds = (z == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
        i = n;
      } else {
        return Long.MIN_VALUE;
      }
    }
    if (i != n) {
      return Long.MIN_VALUE;
    }
    return day * MICROS_PER_DAY + ((hour * 3600L + minute * 60L + second - offsetSeconds) * 1_000_000L) + micros;
  }

  static boolean isTimestamp(String s) {
    return epochMicros(s) != Long.MIN_VALUE;
  }

  private static int dateAt(String s) {
    if (s.length() < 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
      return Integer.MIN_VALUE;
    }
    int year = 0;
    for (int i = 0; i < 4; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return Integer.MIN_VALUE;
      }
      year = year * 10 + (c - '0');
    }
    int month = two(s, 5);
    int day = two(s, 8);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return Integer.MIN_VALUE;
    }
    return (int) daysFromCivil(year, month, day);
  }

  /** Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
  private static long daysFromCivil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }

  private static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  private static int two(String s, int at) {
    char a = s.charAt(at);
    char b = s.charAt(at + 1);
    return isDigit(a) && isDigit(b) ? (a - '0') * 10 + (b - '0') : -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
