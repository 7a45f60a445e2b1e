package io.tributary.dashboard.render;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ValuesTest {

  @Test
  @DisplayName("dates and timestamps read as java.time reads them (local times as UTC)")
  void timesMatchJavaTime() {
    Random random = new Random(9);
    for (int i = 0; i < 20_000; i++) {
      LocalDateTime t = LocalDateTime.of(1900 + random.nextInt(250), 1, 1, 0, 0)
        .plusSeconds(random.nextInt(366 * 86_400)).plusNanos(random.nextInt(1000) * 1_000_000L);
      assertThat(Values.millis(t.toString())).isEqualTo(t.toInstant(ZoneOffset.UTC).toEpochMilli());
      assertThat(Values.millis(t.toLocalDate().toString()))
        .isEqualTo(t.toLocalDate().toEpochDay() * 86_400_000d);
    }
    assertThat(Values.millis("2024-01-05T10:00:00+02:00"))
      .isEqualTo(OffsetDateTime.parse("2024-01-05T10:00:00+02:00").toInstant().toEpochMilli());
    assertThat(Values.millis("2024-01-05T10:00:00Z")).isEqualTo(Values.millis("2024-01-05T10:00:00"));
    assertThat(Values.millis("2024-01-05 10:00:00")).isEqualTo(Values.millis("2024-01-05T10:00"));
    assertThat(Values.millis("2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29).toEpochDay() * 86_400_000d);
  }

  @Test
  @DisplayName("text that is not a time, and impossible dates, are not placed on a time axis")
  void notTimes() {
    assertThat(Values.millis("Αθήνα, Москва")).isNaN();
    assertThat(Values.millis("2023-02-29")).isNaN();
    assertThat(Values.millis("2024-13-01T00:00:00")).isNaN();
    assertThat(Values.millis(null)).isNaN();
  }

  @Test
  @DisplayName("numbers arrive as JSON numbers or, beyond 2^53 and for NaN, as strings")
  void numbers() {
    assertThat(Values.number(12)).isEqualTo(12.0);
    assertThat(Values.number("9007199254740993")).isEqualTo(9.007199254740993e15);
    assertThat(Values.number("NaN")).isNaN();
    assertThat(Values.number("North")).isNaN();
    assertThat(Values.number(null)).isNaN();
    assertThat(Values.number(true)).isNaN();
  }

  @Test
  @DisplayName("headline numbers are grouped, big integers given as text included")
  void headlines() {
    assertThat(Values.headline(1_234_567)).isEqualTo("1,234,567");
    assertThat(Values.headline(1234.5678)).isEqualTo("1,234.57");
    assertThat(Values.headline(0.000123456)).isEqualTo("0.000123");
    assertThat(Values.headline("12345678901234567890")).isEqualTo("12,345,678,901,234,567,890");
    assertThat(Values.headline(null)).isEqualTo("—");
    assertThat(Values.text(0.1)).isEqualTo("0.1");
    assertThat(Values.text(1.0e20)).isEqualTo("1.0E20");
    assertThat(Values.text(42L)).isEqualTo("42");
  }
}
