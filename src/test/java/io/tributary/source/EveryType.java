package io.tributary.source;

/**
 * A PostgreSQL table of every type an import maps, from formulas DuckDB can compute the same way, and those rows as
 * DuckDB computes them (cast to the documented types): an import is exact when the downloaded Parquet and
 * {@link #expected} differ in no row, EXCEPT ALL both ways. Row g % 11 = 0 is NULLs. {@code num} needs
 * {@code ALTER COLUMN num TYPE numeric(12,3)} after the CREATE (CASE drops the type modifier).
 */
public final class EveryType {

  private EveryType() {
  }

  /** CREATE TABLE {@code table} AS the rows 1..{@code rows}. */
  public static String create(String table, long rows) {
    return "CREATE TABLE " + table + " AS SELECT g::int AS id, "
      + "CASE WHEN g % 11 <> 0 THEN (g % 30000)::smallint END AS small, "
      + "CASE WHEN g % 11 <> 0 THEN g::bigint * 1000000007 END AS big, "
      + "CASE WHEN g % 11 <> 0 THEN ((g - 500) * 1.001)::numeric(12,3) END AS num, "
      + "CASE WHEN g % 11 <> 0 THEN (g * 1.5)::numeric END AS loose_num, "
      + "CASE WHEN g % 11 <> 0 THEN (g / 4.0)::real END AS r, "
      + "CASE WHEN g % 11 <> 0 THEN g::float8 / 8 - 1000 END AS d, "
      + "CASE WHEN g % 11 <> 0 THEN g % 3 = 0 END AS b, "
      + "CASE WHEN g % 11 <> 0 THEN date '2020-01-01' + g END AS dt, "
      + "CASE WHEN g % 11 <> 0 THEN timestamp '2021-03-04 05:06:07.123456' + g * interval '61 seconds' END AS ts, "
      + "CASE WHEN g % 11 <> 0 THEN timestamptz '2021-03-04 05:06:07.654321+02' + g * interval '1 hour' END AS tstz, "
      + "CASE WHEN g % 11 <> 0 THEN 'name ' || g || ' ünïcødé \"q\"' END AS t, "
      + "CASE WHEN g % 11 <> 0 THEN ('v' || (g % 100))::varchar(20) END AS vc, "
      + "CASE WHEN g % 11 <> 0 THEN jsonb_build_object('k', g) END AS j, "
      + "CASE WHEN g % 11 <> 0 THEN md5(g::text)::uuid END AS u, "
      + "CASE WHEN g % 11 <> 0 THEN decode(md5(g::text), 'hex') END AS by "
      + "FROM generate_series(1, " + rows + ") g";
  }

  /** The same rows as DuckDB SQL. */
  public static String expected(long rows) {
    return "SELECT g::INTEGER AS id, "
      + "CASE WHEN g % 11 <> 0 THEN (g % 30000)::INTEGER END AS small, "
      + "CASE WHEN g % 11 <> 0 THEN g::BIGINT * 1000000007 END AS big, "
      + "CASE WHEN g % 11 <> 0 THEN CAST((g - 500) * 1.001 AS DECIMAL(12,3)) END AS num, "
      + "CASE WHEN g % 11 <> 0 THEN printf('%.1f', g * 1.5) END AS loose_num, "
      + "CASE WHEN g % 11 <> 0 THEN CAST(g / 4.0 AS FLOAT) END AS r, "
      + "CASE WHEN g % 11 <> 0 THEN g::DOUBLE / 8 - 1000 END AS d, "
      + "CASE WHEN g % 11 <> 0 THEN g % 3 = 0 END AS b, "
      + "CASE WHEN g % 11 <> 0 THEN DATE '2020-01-01' + g::INTEGER END AS dt, "
      + "CASE WHEN g % 11 <> 0 THEN TIMESTAMP '2021-03-04 05:06:07.123456' + to_seconds(g * 61) END AS ts, "
      + "CASE WHEN g % 11 <> 0 THEN TIMESTAMPTZ '2021-03-04 05:06:07.654321+02' + to_hours(g) END AS tstz, "
      + "CASE WHEN g % 11 <> 0 THEN 'name ' || g || ' ünïcødé \"q\"' END AS t, "
      + "CASE WHEN g % 11 <> 0 THEN 'v' || (g % 100) END AS vc, "
      + "CASE WHEN g % 11 <> 0 THEN '{\"k\": ' || g || '}' END AS j, "
      + "CASE WHEN g % 11 <> 0 THEN (SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' "
      + "|| substr(h, 17, 4) || '-' || substr(h, 21, 12) FROM (SELECT md5(g::VARCHAR) AS h)) END AS u, "
      + "CASE WHEN g % 11 <> 0 THEN unhex(md5(g::VARCHAR)) END AS by "
      + "FROM range(1, " + (rows + 1) + ") t(g)";
  }
}
