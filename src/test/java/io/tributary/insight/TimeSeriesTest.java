package io.tributary.insight;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Time series seasonality groups")
class TimeSeriesTest {

  @Test
  @DisplayName("put every instant in the same weekday and hour as DuckDB's dayofweek and hour in UTC")
  void weekdayAndHourKeys() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      // epoch seconds as the insight table holds them (epoch_ms / 1000.0): before and after 1970, at and next to
      // midnight and the hour, with milliseconds
      s.execute("CREATE TABLE t AS SELECT epoch_ms(ts) / 1000.0 AS __ts FROM (SELECT TIMESTAMP '1969-12-20 00:00:00' "
        + "+ to_milliseconds(i * 1799999 + (i % 3 - 1)) AS ts FROM range(-2000, 60000) r(i) UNION ALL SELECT "
        + "TIMESTAMP '1900-03-01 23:59:59.999' UNION ALL SELECT TIMESTAMP '2024-02-29 00:00:00' UNION ALL SELECT "
        + "TIMESTAMP '2024-02-28 23:59:59.999')");
      try (ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE dayofweek(to_timestamp(__ts)) <> "
        + TimeSeries.weekday("__ts") + "), count(*) FILTER (WHERE hour(to_timestamp(__ts)) <> "
        + TimeSeries.hourOfDay("__ts") + "), count(DISTINCT " + TimeSeries.weekday("__ts") + "), count(DISTINCT "
        + TimeSeries.hourOfDay("__ts") + ") FROM t")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(62_003);
        assertThat(rs.getLong(2)).as("weekdays that differ").isZero();
        assertThat(rs.getLong(3)).as("hours that differ").isZero();
        assertThat(rs.getLong(4)).isEqualTo(7);
        assertThat(rs.getLong(5)).isEqualTo(24);
      }
    }
  }
}
