package io.tributary.web;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/** A small sales CSV with known answers: the browser tests upload it and check what the app shows of it. */
final class PlantedSales {

  static final String[] CITIES = {"Oslo", "Lima", "Pune"};
  static final int ROWS = 300;

  private PlantedSales() {
  }

  /** day (one a day from 2024-01-01), city (in turn), amount (see below), note (only every third row). */
  static String csv() {
    StringBuilder out = new StringBuilder("day,city,amount,note\n");
    for (int i = 0; i < ROWS; i++) {
      out.append(LocalDate.of(2024, 1, 1).plusDays(i)).append(',').append(CITIES[i % 3]).append(',')
        .append(amount(i)).append(',').append(i % 3 == 0 ? "n" + i : "").append('\n');
    }
    return out.toString();
  }

  /** (7 i) mod 50, plus 10 for Lima's rows and 20 for Pune's, so every city has its own total. */
  static int amount(int i) {
    return i * 7 % 50 + 10 * (i % 3);
  }

  static java.util.IntSummaryStatistics amounts() {
    return java.util.stream.IntStream.range(0, ROWS).map(PlantedSales::amount).summaryStatistics();
  }

  static long distinctAmounts() {
    return java.util.stream.IntStream.range(0, ROWS).map(PlantedSales::amount).distinct().count();
  }

  /** The sum of amount per city, in city order. */
  static Map<String, Long> totals() {
    Map<String, Long> totals = new TreeMap<>();
    for (int i = 0; i < ROWS; i++) {
      totals.merge(CITIES[i % 3], (long) amount(i), Long::sum);
    }
    return totals;
  }
}
