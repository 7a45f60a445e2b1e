package io.tributary.web;

import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.tributary.web.PlantedSales.ROWS;
import static io.tributary.web.PlantedSales.amount;
import static io.tributary.web.PlantedSales.totals;
import static org.assertj.core.api.Assertions.assertThat;

/** What a user does in the app, step by step, shared by the browser tests. */
final class Pages {

  private Pages() {
  }

  static void logInAs(Browser browser, String email, String password) {
    browser.open("/");
    browser.until(d -> browser.path().startsWith("/login") ? true : null);
    browser.find("input[name=email]").sendKeys(email);
    browser.find("input[name=password]").sendKeys(password, Keys.ENTER);
    browser.textOf("h1", "Datasets");
  }

  /**
   * Adds, through the editor, a bar chart of the total per city and a line chart of amount by day, checking each
   * preview against the planted data (Chart.js's and uPlot's own data, and the labels they draw).
   */
  static void addBarAndLine(Browser browser, String dataset) throws Exception {
    addViz(browser, "Total by city", "bar", dataset,
      "SELECT city, sum(amount) AS total FROM " + dataset + " GROUP BY city ORDER BY city", "3 rows");
    @SuppressWarnings("unchecked")
    Map<String, Object> bar = (Map<String, Object>) browser.js("const c = Chart.getChart(document.querySelector('#viz-form canvas'));"
      + "return {labels: c.data.labels, data: c.data.datasets[0].data, ticks: c.scales.x.ticks.map(t => t.label)};");
    assertThat(bar.get("labels")).isEqualTo(List.copyOf(totals().keySet()));
    assertThat(bar.get("ticks")).isEqualTo(List.copyOf(totals().keySet()));
    assertThat(bar.get("data")).isEqualTo(List.copyOf(totals().values()));
    browser.screenshot("06-editor-bar-preview");
    browser.find("#viz-apply").click();

    addViz(browser, "Amount by day", "line", dataset, "SELECT day, amount FROM " + dataset + " ORDER BY day", ROWS + " rows");
    @SuppressWarnings("unchecked")
    List<List<Number>> line = (List<List<Number>>) browser.js("return window.tributaryCharts.preview.chart.data;");
    assertThat(line.get(0)).hasSize(ROWS);
    assertThat(line.get(0).get(0).longValue()).isEqualTo(LocalDate.of(2024, 1, 1).toEpochDay() * 86_400);
    assertThat(line.get(0).get(ROWS - 1).longValue()).isEqualTo(LocalDate.of(2024, 1, 1).plusDays(ROWS - 1).toEpochDay() * 86_400);
    for (int i = 0; i < ROWS; i++) {
      assertThat(line.get(1).get(i).intValue()).as("amount on day %d", i).isEqualTo(amount(i));
    }
    assertThat(browser.find("#viz-form .u-legend").getText()).contains("amount");
    browser.screenshot("06-editor-line-preview");
    browser.find("#viz-apply").click();
  }

  static void addViz(Browser browser, String title, String type, String dataset, String sql, String rows) {
    browser.find("#add-viz").click();
    browser.find("#viz-title").sendKeys(title);
    new Select(browser.find("#viz-type")).selectByValue(type);
    new Select(browser.find("#viz-dataset")).selectByVisibleText(dataset);
    WebElement query = browser.find("#viz-query");
    query.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    query.sendKeys(sql);
    browser.find("#viz-run").click();
    browser.textOf("#viz-run-status", rows);
  }
}
