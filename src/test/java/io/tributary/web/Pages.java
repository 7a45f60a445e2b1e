package io.tributary.web;

import io.tributary.support.Api;
import io.vertx.core.json.JsonObject;
import org.assertj.core.data.Offset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.tributary.web.PlantedSales.CITIES;
import static io.tributary.web.PlantedSales.ROWS;
import static io.tributary.web.PlantedSales.amount;
import static io.tributary.web.PlantedSales.totals;
import static org.assertj.core.api.Assertions.assertThat;

/** What a user does in the app, step by step, shared by the browser tests. */
final class Pages {

  /** The password of the browser tests' users. */
  static final String PASSWORD = "Browser-password-1";

  private Pages() {
  }

  static void logInAs(Tab browser, String email, String password) {
    browser.open("/");
    browser.waitFor(() -> browser.path().startsWith("/login"));
    browser.type("input[name=email]", email);
    browser.type("input[name=password]", password + Tab.ENTER);
    browser.textOf("h1", "Datasets");
  }

  /** Uploads the planted sales CSV under the name, and sees its upload and then its job complete. */
  static void uploadPlanted(Tab browser, String dataset) throws IOException {
    Path csv = Files.createTempFile("browser-sales", ".csv");
    Files.writeString(csv, PlantedSales.csv());
    browser.upload("#upload-form input[type=file]", csv);
    browser.type("#upload-form input[name=name]", dataset);
    browser.click("#upload-form button[type=submit]");
    @SuppressWarnings("unchecked")
    Map<String, Object> item = browser.waitFor(Duration.ofSeconds(60), () -> (Map<String, Object>) browser.js(
      "const li = document.querySelector('#transfers li[data-status=completed]');"
      + "return li && {text: li.innerText, progress: li.querySelector('progress').getAttribute('value')};"));
    assertThat((String) item.get("text")).contains("Completed").contains(dataset).contains(ROWS + " rows");
    assertThat(item.get("progress")).isEqualTo("100");
    browser.textOf("#datasets", dataset);
  }

  /** Opens the uploaded planted dataset from the list and sees its schema, per-column statistics and issues. */
  static void openPlantedProfile(Tab browser, String dataset) {
    browser.click("#datasets tr[data-name='" + dataset + "'] a");
    browser.textOf("h1", dataset);
    browser.textOf("#issues", "high_nulls");
    @SuppressWarnings("unchecked")
    List<List<String>> rows = (List<List<String>>) browser.js("return [...document.querySelectorAll('#profile table tbody tr')]"
      + ".map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim()));");
    Map<String, List<String>> stats = new TreeMap<>();
    rows.forEach(cells -> stats.put(cells.get(0), cells));
    // Column, Type, Nulls, Null %, Unique, Min, Max, Mean, Std dev
    var amounts = PlantedSales.amounts();
    assertThat(stats.get("amount").subList(0, 7)).containsExactly("amount", "BIGINT", "0", "0",
      String.valueOf(PlantedSales.distinctAmounts()), String.valueOf(amounts.getMin()), String.valueOf(amounts.getMax()));
    assertThat(Double.parseDouble(stats.get("amount").get(7))).isCloseTo(amounts.getAverage(), Offset.offset(0.001));
    assertThat(stats.get("city").subList(0, 7)).containsExactly("city", "VARCHAR", "0", "0", "3", "Lima", "Pune");
    assertThat(stats.get("note").get(2)).isEqualTo("200");
    assertThat(Double.parseDouble(stats.get("note").get(3))).isCloseTo(200 * 100.0 / ROWS, Offset.offset(0.01));
    assertThat(browser.textOf("#issues", "high_nulls")).contains("note");
    browser.textOf("main", "Download Parquet");
  }

  /** In the SQL console, a bad query is flagged as it is typed, and a good one shows the total per city. */
  static void queryPlanted(Tab browser, String dataset) throws IOException {
    browser.click("#nav a[href='/query']");
    browser.replace("#sql", "SELECT no_such_column FROM " + dataset);
    assertThat(browser.textOf("#sql-check", "no_such_column")).isNotBlank();
    assertThat(browser.js("return document.querySelector('#sql').getAttribute('aria-invalid')")).isEqualTo("true");
    browser.screenshot("05-query-invalid");

    browser.replace("#sql", "SELECT city, sum(amount) AS total, count(*) AS n FROM " + dataset + " GROUP BY city ORDER BY city");
    browser.textOf("#sql-check", "Valid query");
    browser.click("#run");
    browser.textOf("#result-meta", "3 rows");
    Object cells = browser.js("return [...document.querySelectorAll('#result tbody tr')]"
      + ".map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim()));");
    List<List<String>> expected = totals().entrySet().stream()
      .map(e -> List.of(e.getKey(), String.valueOf(e.getValue()), String.valueOf(ROWS / CITIES.length))).toList();
    assertThat(cells).isEqualTo(expected);
    browser.screenshot("05-query-result");
  }

  /** In the SQL console, Ctrl+Enter runs the query from the keyboard. */
  static void queryFromKeyboard(Tab browser, String dataset) {
    browser.replace("#sql", "SELECT count(*) AS n FROM " + dataset);
    browser.type("#sql", Tab.CONTROL + Tab.ENTER);
    browser.textOf("#result-meta", "1 rows");
    assertThat(browser.textOf("#result tbody", String.valueOf(ROWS)).trim()).as("Ctrl+Enter ran the query").isEqualTo(String.valueOf(ROWS));
  }

  /**
   * Adds, through the editor, a bar chart of the total per city and a line chart of amount by day, checking each
   * preview against the planted data (Chart.js's and uPlot's own data, and the labels they draw).
   */
  static void addBarAndLine(Tab browser, String dataset) throws Exception {
    addViz(browser, "Total by city", "bar", dataset,
      "SELECT city, sum(amount) AS total FROM " + dataset + " GROUP BY city ORDER BY city", "3 rows");
    checkBar(browser, "#viz-form canvas");
    browser.screenshot("06-editor-bar-preview");
    browser.click("#viz-apply");

    addViz(browser, "Amount by day", "line", dataset, "SELECT day, amount FROM " + dataset + " ORDER BY day", ROWS + " rows");
    checkLine(browser.js("return window.tributaryCharts.preview.chart.data;"));
    browser.textOf("#viz-form .u-legend", "amount");
    browser.screenshot("06-editor-line-preview");
    browser.click("#viz-apply");
  }

  static void addViz(Tab browser, String title, String type, String dataset, String sql, String rows) {
    browser.click("#add-viz");
    browser.type("#viz-title", title);
    browser.select("#viz-type", type);
    browser.selectText("#viz-dataset", dataset);
    browser.replace("#viz-query", sql);
    browser.click("#viz-run");
    browser.textOf("#viz-run-status", rows);
  }

  /** Saves the dashboard in the editor, and sees it open live with both charts drawn from the planted data. */
  static void saveAndView(Tab browser) throws IOException {
    browser.click("#save");
    browser.waitFor(() -> browser.path().matches("/dashboards/[0-9a-f-]{36}"));
    browser.textOf("#live-status", "Live");
    checkSavedCharts(browser);
    browser.screenshot("08-dashboard-view");
  }

  /** From the open dashboard, creates a share link, logs out, and opens the link: read-only, live, the same charts. */
  static String shareAndOpenLoggedOut(Tab browser, String title) throws IOException {
    browser.click("#share");
    browser.click("#create-share");
    String url = browser.waitFor(() -> (String) browser.js("return document.querySelector('#share-url')?.value || null;"));
    assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/shared/.+");
    browser.screenshot("09-share-link");
    browser.click("#logout");
    browser.waitFor(() -> browser.path().startsWith("/login"));
    browser.open(url);
    browser.textOf("h1", title);
    assertThat(browser.js("return document.getElementById('nav').checkVisibility()")).isEqualTo(false);
    assertThat(browser.js("return document.getElementById('edit')")).isNull();
    browser.textOf("#live-status", "Live");
    checkSavedCharts(browser);
    browser.screenshot("10-shared-logged-out");
    return url;
  }

  /** A saved dashboard's bar and line charts, as {@link #addBarAndLine} made them, hold the planted data and draw its labels. */
  static void checkSavedCharts(Tab browser) {
    browser.waitFor(() -> browser.js("return document.querySelectorAll('[data-chart-type] canvas').length >= 2"
      + " && !!Chart.getChart(document.querySelector('[data-chart-type=bar] canvas'))"));
    checkBar(browser, "[data-chart-type=bar] canvas");
    checkLine(browser.js("const id = document.querySelector('[data-chart-type=line]')"
      + ".getAttribute('data-viz-id'); return window.tributaryCharts[id].chart.data;"));
    browser.textOf("[data-chart-type=line] .u-legend", "amount");
  }

  /** The Chart.js bar chart on the canvas holds the total per city, and draws the cities as its ticks. */
  private static void checkBar(Tab browser, String canvas) {
    @SuppressWarnings("unchecked")
    Map<String, Object> bar = (Map<String, Object>) browser.js("const c = Chart.getChart(document.querySelector(arguments[0]));"
      + "return {labels: c.data.labels, data: c.data.datasets[0].data, ticks: c.scales.x.ticks.map(t => t.label)};", canvas);
    assertThat(bar.get("labels")).isEqualTo(List.copyOf(totals().keySet()));
    assertThat(bar.get("ticks")).isEqualTo(List.copyOf(totals().keySet()));
    assertThat(bar.get("data")).isEqualTo(List.copyOf(totals().values()));
  }

  /** uPlot's data of the line chart: one point a day (Unix seconds), each the planted amount of that day. */
  private static void checkLine(Object data) {
    @SuppressWarnings("unchecked")
    List<List<Number>> line = (List<List<Number>>) data;
    assertThat(line.get(0)).hasSize(ROWS);
    assertThat(line.get(0).get(0).longValue()).isEqualTo(LocalDate.of(2024, 1, 1).toEpochDay() * 86_400);
    assertThat(line.get(0).get(ROWS - 1).longValue()).isEqualTo(LocalDate.of(2024, 1, 1).plusDays(ROWS - 1).toEpochDay() * 86_400);
    for (int i = 0; i < ROWS; i++) {
      assertThat(line.get(1).get(i).intValue()).as("amount on day %d", i).isEqualTo(amount(i));
    }
  }

  /** Creates a premium analyst with the browser tests' password, and answers the API logged in as them. */
  static Api newAnalyst(String email) {
    var created = Api.admin().post("/api/v1/users", new JsonObject().put("email", email)
      .put("password", PASSWORD).put("role", "analyst").put("tier", "premium"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return Api.anonymous().login(email, PASSWORD);
  }
}
