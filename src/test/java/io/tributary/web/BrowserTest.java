package io.tributary.web;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web app as a user drives it in Chromium, against the test application: log in, load the samples, upload
 * a file and follow its job, read its profile, query it. The dashboard steps are in {@link DashboardBrowserTest}.
 * Screenshots of every step go to target/screenshots/.
 */
@DisplayName("The web app in Chromium")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {

  Browser browser;
  String email;
  Api api;
  final String dataset = "browser_sales";

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.available(), "Chromium or chromedriver is absent (apt-get install -y chromium chromium-driver)");
    email = "browser-" + UUID.randomUUID() + "@test.local";
    api = Pages.newAnalyst(email);
    browser = new Browser("http://127.0.0.1:" + TestApp.get().port);
  }

  @AfterEach
  void keepConsole(TestInfo test) throws Exception {
    if (browser != null) {
      Files.writeString(Browser.SCREENSHOTS.resolve("console-" + test.getTestMethod().orElseThrow().getName() + ".log"),
        browser.console());
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("1. a user logs in and, with nothing uploaded yet, is offered the samples")
  void logIn() throws Exception {
    Pages.logInAs(browser, email, Pages.PASSWORD);
    assertThat(browser.find("#who-email").getText()).contains(email).contains("analyst");
    assertThat(browser.find("#load-samples").getText()).contains("samples");
    browser.screenshot("01-logged-in-empty-account");
  }

  @Test
  @Order(2)
  @DisplayName("2. one click loads the three samples, each followed to completion, and the starter queries run on them")
  void loadSamples() throws Exception {
    browser.find("#load-samples").click();
    browser.until(Duration.ofSeconds(120), d -> d.findElements(By.cssSelector("#sample-transfers li[data-status=completed]")).size() == 3
      ? true : null);
    String result = browser.textOf("#samples-result", ".");
    browser.screenshot("02-samples-loaded");
    Map<String, Long> rows = new TreeMap<>();
    for (WebElement tr : browser.driver.findElements(By.cssSelector("#datasets tbody tr"))) {
      rows.put(tr.getAttribute("data-name"), Long.parseLong(tr.findElements(By.tagName("td")).get(2).getText().replace(",", "")));
    }
    assertThat(rows).containsEntry("weather", 4384L).containsEntry("sales", 3000L).containsEntry("events", 2000L);
    // the starter dashboard's queries (from the app's own module) all run on the samples and name real columns
    JsonObject ids = new JsonObject();
    for (var d : api.get("/api/v1/data/datasets").bodyAsJsonObject().getJsonArray("items")) {
      ids.put(((JsonObject) d).getString("name"), ((JsonObject) d).getString("dataset_id"));
    }
    String starter = (String) browser.jsAsync("const done = arguments[arguments.length - 1];"
      + "import('/js/samples.js').then(m => done(JSON.stringify(m.starterDashboard(arguments[0]))));", ids.getMap());
    JsonArray vizs = new JsonObject(starter).getJsonArray("visualizations");
    assertThat(vizs).hasSize(6);
    for (Object o : vizs) {
      JsonObject viz = (JsonObject) o;
      assertThat(viz.getString("dataset_id")).as(viz.getString("title")).isNotNull();
      var r = api.post("/api/v1/query/sql", new JsonObject().put("sql", viz.getString("query")));
      assertThat(r.statusCode()).as(viz.getString("title") + ": " + r.bodyAsString()).isEqualTo(200);
      JsonObject body = r.bodyAsJsonObject();
      assertThat(body.getInteger("row_count")).as(viz.getString("title")).isPositive();
      List<String> names = body.getJsonArray("columns").stream().map(c -> ((JsonObject) c).getString("name")).toList();
      JsonObject config = viz.getJsonObject("config");
      if (config.getString("x") != null) {
        assertThat(names).contains(config.getString("x"));
      }
      assertThat(names).containsAll(config.getJsonArray("y").getList());
    }
    // today the dashboard API may be missing: the page then says the samples are in and why the dashboard is not
    assertThat(result).satisfiesAnyOf(t -> assertThat(t).contains("Open the starter dashboard"),
      t -> assertThat(t).contains("The samples are loaded"));
  }

  @Test
  @Order(3)
  @DisplayName("3. an uploaded CSV shows upload progress, then its job live until completed; a broken one shows the job's error")
  void uploadCsv() throws Exception {
    Pages.uploadPlanted(browser, dataset);
    browser.screenshot("03-upload-completed");

    Path broken = Files.createTempFile("broken", ".csv");
    Files.writeString(broken, "a,b\n1,2\n3\n4,5\n");
    browser.find("#upload-form input[type=file]").sendKeys(broken.toAbsolutePath().toString());
    browser.find("#upload-form button[type=submit]").click();
    WebElement failed = browser.until(Duration.ofSeconds(60), d -> d.findElements(
      By.cssSelector("#transfers li[data-status=failed]")).stream().findFirst().orElse(null));
    String error = api.get("/api/v1/data/job/" + failed.getAttribute("data-job")).bodyAsJsonObject().getString("error");
    assertThat(error).isNotBlank();
    assertThat(failed.getText()).contains("Failed: " + error);
    browser.screenshot("03-upload-failed");
  }

  @Test
  @Order(4)
  @DisplayName("4. the dataset's page shows its schema, per-column statistics and issues")
  void openProfile() throws Exception {
    Pages.openPlantedProfile(browser, dataset);
    browser.screenshot("04-dataset-profile");
  }

  @Test
  @Order(5)
  @DisplayName("5. the SQL console flags a bad query as it is typed, and shows a good query's result; Ctrl+Enter runs one")
  void runQuery() throws Exception {
    Pages.queryPlanted(browser, dataset);
    Pages.queryFromKeyboard(browser, dataset);
  }

  @Test
  @Order(6)
  @DisplayName("6. the dashboard editor draws a bar and a line chart from query results, placed and resized on the grid")
  void buildDashboard() throws Exception {
    browser.driver.findElement(By.linkText("Dashboards")).click();
    browser.find("#new-dashboard").click();
    browser.textOf("h1", "New dashboard");
    browser.find("#dash-name").sendKeys("Browser dashboard");
    Pages.addBarAndLine(browser, dataset);
    assertThat(browser.driver.findElements(By.cssSelector("#layout .layout-card"))).hasSize(2);
    WebElement first = browser.find("#layout .layout-card[data-index='0']");
    assertThat(first.getText()).contains("column 1, row 1, 6 × 4");
    browser.find("#layout button[data-action=narrower][data-index='0']").click();
    browser.find("#layout button[data-action=down][data-index='0']").click();
    assertThat(browser.textOf("#layout .layout-card[data-index='0'] .position", "row 2")).isEqualTo("column 1, row 2, 5 × 4");
    assertThat(browser.textOf("#layout .layout-card[data-index='1'] .position", "column")).isEqualTo("column 7, row 1, 6 × 4");
    browser.screenshot("06-dashboard-editor");
  }

  @Test
  @Order(7)
  @DisplayName("7. a dashboard grid draws a /data reply and appends live records as /ws/analytics sends them")
  void gridTakesDataAndLiveRecords() throws Exception {
    // the client half of the documented contract (DASHBOARD-API.md), fed to the app's own module in the page
    String out = (String) browser.jsAsync("const done = arguments[arguments.length - 1];"
      + "import('/js/board.js').then(b => {"
      + "  const grid = document.createElement('div'); grid.className = 'grid'; grid.id = 'test-grid';"
      + "  document.querySelector('main').replaceChildren(grid);"
      + "  const view = b.board(grid, ["
      + "    {viz_id: 'v-bar', title: 'Bar', chart_type: 'bar', config: {x: 'city', y: ['total']}, position: {x: 0, y: 0, width: 4, height: 3}},"
      + "    {viz_id: 'v-live', title: 'Live', chart_type: 'line', config: {x: 'seq', y: ['temp']},"
      + "     position: {x: 4, y: 0, width: 8, height: 3}, stream: {name: 's', window: 4, filters: {}}}]);"
      + "  view.showData({visualizations: ["
      + "    {viz_id: 'v-bar', columns: [{name: 'city', type: 'VARCHAR'}, {name: 'total', type: 'BIGINT'}],"
      + "     results: [{city: 'a', total: 1}, {city: 'b', total: 2}], row_count: 2, truncated: false, downsampled: null},"
      + "    {viz_id: 'v-live', columns: [{name: 'seq', type: 'BIGINT'}, {name: 'temp', type: 'DOUBLE'}],"
      + "     results: [{seq: 1, temp: 20.5}], row_count: 1, truncated: false, downsampled: {method: 'lttb', from: 9, to: 1}}]});"
      + "  view.message({type: 'updates', data: [{viz_id: 'v-live', seq: 2, temp: 21}, {viz_id: 'other', seq: 9, temp: 0},"
      + "    {viz_id: 'v-live', seq: 3, temp: 22}]});"
      + "  view.message({type: 'update', data: {viz_id: 'v-live', seq: 4, temp: 23}, timestamp: 'now'});"
      + "  view.message({type: 'update', data: {viz_id: 'v-live', seq: 5, temp: 24}, timestamp: 'now'});"
      + "  view.message({type: 'refresh', data: {viz_id: 'v-bar', columns: [{name: 'city'}, {name: 'total'}],"
      + "    results: [{city: 'a', total: 5}, {city: 'b', total: 6}, {city: 'c', total: 7}]}});"
      + "  const bar = Chart.getChart(grid.querySelector('[data-viz-id=v-bar] canvas'));"
      + "  done(JSON.stringify({bar: {labels: bar.data.labels, data: bar.data.datasets[0].data},"
      + "    live: window.tributaryCharts['v-live'].chart.data,"
      + "    note: grid.querySelector('[data-viz-id=v-live] .viz-note').textContent}));"
      + "});");
    JsonObject drawn = new JsonObject(out);
    assertThat(drawn.getJsonObject("bar").getJsonArray("labels").getList()).containsExactly("a", "b", "c");
    assertThat(drawn.getJsonObject("bar").getJsonArray("data").getList()).containsExactly(5, 6, 7);
    // the window keeps the last 4 records; the record for another visualization is not drawn here
    assertThat(drawn.getJsonArray("live").getJsonArray(0).getList()).containsExactly(2, 3, 4, 5);
    assertThat(drawn.getJsonArray("live").getJsonArray(1).getList()).containsExactly(21, 22, 23, 24);
    assertThat(drawn.getString("note")).contains("downsampled (lttb) from 9 to 1 points");
    browser.screenshot("07-grid-live-records");
  }
}
