package io.tributary.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;

/** What the JVM and PostgreSQL were doing when a test's wait ran out: printed to stderr, for the CI log. */
final class HangReport {

  private HangReport() {
  }

  static synchronized void print(String what) {
    StringBuilder sb = new StringBuilder("\n===== HANG REPORT: " + what + " =====\n");
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      Thread t = e.getKey();
      sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
      for (StackTraceElement el : e.getValue()) {
        sb.append("    at ").append(el).append('\n');
      }
    }
    String jdbc = TestApp.running() ? TestApp.get().services.jdbcUrl() : null;
    if (jdbc != null) {
      try (Connection c = DriverManager.getConnection(jdbc);
           ResultSet rs = c.createStatement().executeQuery("SELECT pid, application_name, state, wait_event_type, "
             + "wait_event, now() - query_start AS running, left(query, 300) FROM pg_stat_activity "
             + "WHERE pid <> pg_backend_pid() ORDER BY query_start")) {
        sb.append("--- pg_stat_activity ---\n");
        while (rs.next()) {
          for (int i = 1; i <= 7; i++) {
            sb.append(rs.getString(i)).append(i < 7 ? " | " : "\n");
          }
        }
        ResultSet locks = c.createStatement().executeQuery("SELECT pid, locktype, relation::regclass, mode, granted "
          + "FROM pg_locks WHERE NOT granted");
        sb.append("--- locks not granted ---\n");
        while (locks.next()) {
          sb.append(locks.getString(1)).append(' ').append(locks.getString(2)).append(' ').append(locks.getString(3))
            .append(' ').append(locks.getString(4)).append('\n');
        }
      } catch (Exception e) {
        sb.append("pg_stat_activity not read: ").append(e).append('\n');
      }
    }
    System.err.println(sb.append("===== END HANG REPORT =====\n"));
  }
}
