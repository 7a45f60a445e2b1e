import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Random;

/**
 * Writes the sample files of samples/ (synthetic, deterministic: the same bytes on every run).
 * Run from the repository root: {@code java samples/GenerateSamples.java samples}
 */
public final class GenerateSamples {

  /** city, mean daily high (C), seasonal amplitude, day-night range, chance of a wet day in winter and summer */
  private static final Object[][] CITIES = {
    {"Seattle", 16.0, 8.5, 7.0, 0.60, 0.15},
    {"Denver", 18.0, 12.0, 15.0, 0.15, 0.30},
    {"Miami", 29.0, 3.5, 7.0, 0.15, 0.50},
    {"Chicago", 15.0, 14.0, 8.0, 0.30, 0.30},
  };
  /** category, then product and unit price pairs */
  private static final Object[][] CATALOG = {
    {"Books", "Atlas", 24.0, "Cookbook", 18.5, "Novel", 12.0},
    {"Electronics", "Headphones", 79.0, "Charger", 19.0, "Keyboard", 45.0},
    {"Garden", "Seeds", 3.5, "Hose", 29.0, "Shovel", 22.0},
    {"Toys", "Puzzle", 15.0, "Kite", 21.0, "Blocks", 34.0},
    {"Grocery", "Coffee", 9.5, "Tea", 6.0, "Olive oil", 11.0},
  };
  private static final String[] REGIONS = {"North", "South", "East", "West"};

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "samples");
    weather(dir.resolve("weather.csv"));
    sales(dir.resolve("sales.csv"));
    events(dir.resolve("events.ndjson"));
  }

  /** Daily weather of four cities over 2022-2024: a seasonal curve plus noise. */
  static void weather(Path file) throws IOException {
    Random random = new Random(20220101L);
    try (PrintWriter out = writer(file)) {
      out.println("date,city,temp_max,temp_min,precipitation,weather");
      for (LocalDate day = LocalDate.of(2022, 1, 1); day.getYear() < 2025; day = day.plusDays(1)) {
        double season = -Math.cos(2 * Math.PI * (day.getDayOfYear() - 20) / 365.25); // -1 in January, 1 in July
        for (Object[] c : CITIES) {
          double high = (double) c[1] + (double) c[2] * season + random.nextGaussian() * 2.5;
          double low = high - (double) c[3] - Math.abs(random.nextGaussian()) * 2;
          double wetChance = (double) c[4] + ((double) c[5] - (double) c[4]) * (season + 1) / 2;
          double rain = random.nextDouble() < wetChance ? -Math.log(1 - random.nextDouble()) * 6 : 0;
          String weather = rain > 0 ? (high < 1 ? "snow" : rain < 2 ? "drizzle" : "rain")
            : random.nextDouble() < 0.08 ? "fog" : "sun";
          out.println(day + "," + c[0] + "," + one(high) + "," + one(low) + "," + one(rain) + "," + weather);
        }
      }
    }
  }

  /** 3,000 orders of 2024 over four regions and five categories. */
  static void sales(Path file) throws IOException {
    Random random = new Random(2024L);
    try (PrintWriter out = writer(file)) {
      out.println("order_id,order_date,region,category,product,quantity,unit_price,revenue");
      for (int id = 1; id <= 3000; id++) {
        LocalDate day = LocalDate.of(2024, 1, 1).plusDays(random.nextInt(366));
        Object[] c = CATALOG[random.nextInt(CATALOG.length)];
        int p = 1 + 2 * random.nextInt(3);
        int quantity = 1 + random.nextInt(5);
        double price = (double) c[p + 1];
        out.println(id + "," + day + "," + REGIONS[random.nextInt(REGIONS.length)] + "," + c[0] + "," + c[p] + ","
          + quantity + "," + two(price) + "," + two(quantity * price));
      }
    }
  }

  /** Sensor readings, one JSON object a line: five devices, one reading a minute each for 400 minutes. */
  static void events(Path file) throws IOException {
    Random random = new Random(7L);
    Instant start = Instant.parse("2025-01-01T00:00:00Z");
    double[] temp = {21, 22, 19, 24, 20};
    try (PrintWriter out = writer(file)) {
      for (int minute = 0; minute < 400; minute++) {
        for (int d = 0; d < temp.length; d++) {
          temp[d] += random.nextGaussian() * 0.3;
          double humidity = 40 + 10 * Math.sin(minute / 60.0 + d) + random.nextGaussian();
          out.println("{\"ts\":\"" + start.plusSeconds(60L * minute) + "\",\"device\":\"sensor-" + (char) ('a' + d)
            + "\",\"temp\":" + one(temp[d]) + ",\"humidity\":" + one(humidity) + ",\"status\":\""
            + (temp[d] > 27 ? "warn" : "ok") + "\"}");
        }
      }
    }
  }

  private static String one(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return "-0.0".equals(s) ? "0.0" : s;
  }

  private static String two(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static PrintWriter writer(Path file) throws IOException {
    return new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
  }
}
