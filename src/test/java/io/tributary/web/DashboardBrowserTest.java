package io.tributary.web;

import io.tributary.support.Api;
import io.tributary.support.Kafka;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.tributary.web.PlantedSales.ROWS;
import static io.tributary.web.PlantedSales.amount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Steps 5 to 7 of the browser test (issue 12): a saved dashboard drawn from the right data, its share link opened
 * logged out, and a live chart moving as records reach its stream. Written against DASHBOARD-API.md.
 */
@DisplayName("Dashboards in Chromium")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

  private static final String DATASET = "dash_sales";
  private static final String TITLE = "Browser dashboard";

  Browser browser;
  Api api;
  String email;
  String shareUrl;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.available(), "Chromium or chromedriver is absent (apt-get install -y chromium chromium-driver)");
    email = "dash-" + UUID.randomUUID() + "@test.local";
    var created = Api.admin().post("/api/v1/users", new JsonObject().put("email", email)
      .put("password", BrowserTest.PASSWORD).put("role", "analyst").put("tier", "premium"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    api = Api.anonymous().login(email, BrowserTest.PASSWORD);
    Path csv = Files.createTempFile("dash-sales", ".csv");
    Files.writeString(csv, PlantedSales.csv());
    assertThat(api.uploadAndWait(csv, Map.of("name", DATASET)).getString("status")).isEqualTo("completed");
    browser = new Browser("http://127.0.0.1:" + TestApp.get().port);
    Pages.logInAs(browser, email, BrowserTest.PASSWORD);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("5. a dashboard with a bar and a line chart, saved and opened, draws both from the right data")
  void saveAndView() throws Exception {
    browser.open("/dashboards/new");
    browser.find("#dash-name").sendKeys(TITLE);
    Pages.addBarAndLine(browser, DATASET);
    browser.find("#save").click();
    browser.until(Duration.ofSeconds(30), d -> browser.path().matches("/dashboards/[0-9a-f-]{36}") ? true : null);
    checkCharts();
    browser.screenshot("08-dashboard-view");
  }

  @Test
  @Order(2)
  @DisplayName("6. its share link opens it read-only for someone logged out")
  void shareLink() throws Exception {
    browser.find("#share").click();
    browser.find("#create-share").click();
    shareUrl = browser.until(d -> {
      String v = browser.find("#share-url").getAttribute("value");
      return v == null || v.isEmpty() ? null : v;
    });
    assertThat(shareUrl).matches("http://127\\.0\\.0\\.1:\\d+/shared/.+");
    browser.screenshot("09-share-link");
    browser.find("#logout").click();
    browser.until(d -> browser.path().startsWith("/login") ? true : null);
    browser.driver.get(shareUrl);
    browser.textOf("h1", TITLE);
    assertThat(browser.driver.findElement(By.id("nav")).isDisplayed()).isFalse();
    assertThat(browser.driver.findElements(By.id("edit"))).isEmpty();
    checkCharts();
    browser.screenshot("10-shared-logged-out");
  }

  @Test
  @Order(3)
  @DisplayName("7. a live chart moves when records are produced to its stream")
  void liveChart() throws Exception {
    Pages.logInAs(browser, email, BrowserTest.PASSWORD);
    String topic = "browser-live-" + UUID.randomUUID();
    var stream = api.post("/api/v1/streams", new JsonObject().put("name", "browser_live").put("topic", topic));
    assertThat(stream.statusCode()).as(stream.bodyAsString()).isEqualTo(201);
    Kafka.produce(topic, 0, 5, i -> new JsonObject().put("seq", i).put("temp", 20 + i).encode());
    browser.until(Duration.ofSeconds(60), d -> count() == 5 ? true : null);
    JsonObject viz = new JsonObject().put("title", "Live temperature").put("chart_type", "line")
      .put("dataset_id", stream.bodyAsJsonObject().getString("dataset_id"))
      .put("query", "SELECT seq, temp FROM browser_live ORDER BY seq")
      .put("config", new JsonObject().put("x", "seq").put("y", new JsonArray().add("temp")))
      .put("position", new JsonObject().put("x", 0).put("y", 0).put("width", 12).put("height", 4))
      .put("stream", new JsonObject().put("name", "browser_live").put("window", 200).put("filters", new JsonObject()));
    var dashboard = api.post("/api/v1/dashboards", new JsonObject().put("name", "Live").put("visualizations", new JsonArray().add(viz)));
    assertThat(dashboard.statusCode()).as(dashboard.bodyAsString()).isEqualTo(201);
    browser.open("/dashboards/" + dashboard.bodyAsJsonObject().getString("dashboard_id"));
    browser.textOf("#live-status", "Live");
    String vizId = browser.find("[data-chart-type=line]").getAttribute("data-viz-id");
    assertThat(seqs(vizId)).containsExactly(0, 1, 2, 3, 4);
    browser.screenshot("11-live-before");

    Kafka.produce(topic, 5, 10, i -> new JsonObject().put("seq", i).put("temp", 20 + i).encode());
    browser.until(Duration.ofSeconds(30), d -> seqs(vizId).contains(14) ? true : null);
    @SuppressWarnings("unchecked")
    List<List<Number>> data = (List<List<Number>>) browser.js("return window.tributaryCharts[arguments[0]].chart.data;", vizId);
    for (int i = 0; i < data.get(0).size(); i++) {
      assertThat(data.get(1).get(i).doubleValue()).as("temp at seq %s", data.get(0).get(i))
        .isEqualTo(20 + data.get(0).get(i).doubleValue());
    }
    assertThat(seqs(vizId)).containsAll(List.of(5, 6, 7, 8, 9, 10, 11, 12, 13, 14));
    browser.screenshot("11-live-after");
  }

  private long count() {
    var r = api.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT count(*) AS n FROM browser_live"));
    return r.statusCode() == 200 ? r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getLong("n") : -1;
  }

  @SuppressWarnings("unchecked")
  private List<Integer> seqs(String vizId) {
    List<Number> xs = (List<Number>) browser.js("const c = window.tributaryCharts[arguments[0]];"
      + "return c ? c.chart.data[0] : [];", vizId);
    return xs.stream().map(Number::intValue).toList();
  }

  /** The saved dashboard's bar and line charts hold the planted data, and draw its labels. */
  private void checkCharts() {
    browser.until(Duration.ofSeconds(30), d -> browser.js("return document.querySelectorAll('[data-chart-type] canvas').length >= 2"
      + " && !!Chart.getChart(document.querySelector('[data-chart-type=bar] canvas'))") == Boolean.TRUE ? true : null);
    @SuppressWarnings("unchecked")
    Map<String, Object> bar = (Map<String, Object>) browser.js("const c = Chart.getChart(document.querySelector('[data-chart-type=bar] canvas'));"
      + "return {labels: c.data.labels, data: c.data.datasets[0].data, ticks: c.scales.x.ticks.map(t => t.label)};");
    assertThat(bar.get("labels")).isEqualTo(List.copyOf(PlantedSales.totals().keySet()));
    assertThat(bar.get("ticks")).isEqualTo(List.copyOf(PlantedSales.totals().keySet()));
    assertThat(bar.get("data")).isEqualTo(List.copyOf(PlantedSales.totals().values()));
    String lineId = browser.find("[data-chart-type=line]").getAttribute("data-viz-id");
    @SuppressWarnings("unchecked")
    List<List<Number>> line = (List<List<Number>>) browser.js("return window.tributaryCharts[arguments[0]].chart.data;", lineId);
    assertThat(line.get(0)).hasSize(ROWS);
    assertThat(line.get(0).get(0).longValue()).isEqualTo(LocalDate.of(2024, 1, 1).toEpochDay() * 86_400);
    for (int i = 0; i < ROWS; i++) {
      assertThat(line.get(1).get(i).intValue()).as("amount on day %d", i).isEqualTo(amount(i));
    }
    assertThat(browser.find("[data-chart-type=line] .u-legend").getText()).contains("amount");
  }
}
