package io.tributary.web;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
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

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.text.PDFTextStripper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The user's journey of {@link BrowserTest} and {@link DashboardBrowserTest}, in Firefox ESR over WebDriver BiDi:
 * log in, load the samples and see the starter dashboard draw, upload a file and follow it to completion, read its profile, query it, save a dashboard with a bar and a
 * line chart drawn from the right data, open its share link logged out, and watch a live chart move. What Firefox
 * downloads on the way (the dataset's Parquet, a result's CSV, the dashboard's PNG and PDF) is read back. Screenshots
 * go to target/screenshots/firefox-*.png, the page's console to target/screenshots/firefox-console-*.log.
 */
@DisplayName("The web app in Firefox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirefoxBrowserTest {

  private static final String DATASET = "firefox_sales";
  private static final String TITLE = "Firefox dashboard";

  Firefox firefox;
  String email;
  Api api;
  final List<String> errors = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Firefox.available(), "Firefox ESR is absent (apt-get install -y firefox-esr)");
    email = "firefox-" + UUID.randomUUID() + "@test.local";
    api = Pages.newAnalyst(email);
    firefox = new Firefox("http://127.0.0.1:" + TestApp.get().port);
  }

  @AfterEach
  void keepConsole(TestInfo test) throws Exception {
    if (firefox != null) {
      List<String> console = firefox.console();
      Files.write(Browser.SCREENSHOTS.resolve("firefox-console-" + test.getTestMethod().orElseThrow().getName() + ".log"), console);
      console.stream().filter(line -> line.startsWith("error javascript")).forEach(errors::add);
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (firefox != null) {
      firefox.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("1. a user logs in")
  void logIn() throws Exception {
    Pages.logInAs(firefox, email, Pages.PASSWORD);
    assertThat(firefox.textOf("#who-email", email)).contains("analyst");
    firefox.screenshot("01-logged-in");
  }

  @Test
  @Order(2)
  @DisplayName("2. with nothing uploaded yet, one click loads the samples, and the starter dashboard draws all six charts")
  void samplesAndStarter() throws Exception {
    firefox.click("#load-samples");
    firefox.waitFor(Duration.ofSeconds(120), () -> Long.valueOf(3).equals(
      firefox.js("return document.querySelectorAll('#sample-transfers li[data-status=completed]').length;")));
    firefox.textOf("#samples-result", "Open the starter dashboard");
    firefox.screenshot("02-samples-loaded");
    firefox.click("#samples-result a");
    firefox.textOf("h1", "Starter");
    String id = firefox.path().substring("/dashboards/".length());
    Map<String, Long> rows = new TreeMap<>();
    Object width = firefox.js("return Math.max(320, Math.round(document.querySelector('#grid').clientWidth));");
    for (Object v : api.get("/api/v1/dashboards/" + id + "/data?width=" + width).bodyAsJsonObject().getJsonArray("visualizations")) {
      rows.put(((JsonObject) v).getString("viz_id"), (long) ((JsonObject) v).getJsonArray("results").size());
    }
    // each card: what it drew (Chart.js or uPlot, or the number's text), from how many rows, and any error it shows
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> cards = (Map<String, Map<String, Object>>) firefox.waitFor(() -> firefox.js(
      "const cards = [...document.querySelectorAll('[data-viz-id]')];"
      + "if (cards.length !== 6 || cards.some(c => !window.tributaryCharts[c.dataset.vizId])) return null;"
      + "return Object.fromEntries(cards.map(c => [c.dataset.vizId, {type: c.dataset.chartType,"
      + "  rows: window.tributaryCharts[c.dataset.vizId].rows.length, error: c.querySelector('.error')?.textContent || null,"
      + "  chartjs: !!(c.querySelector('canvas') && Chart.getChart(c.querySelector('canvas'))), uplot: !!c.querySelector('.uplot'),"
      + "  text: c.querySelector('.viz-body').innerText.trim()}]));"));
    assertThat(cards.keySet()).isEqualTo(rows.keySet());
    cards.forEach((vizId, card) -> {
      assertThat(card.get("error")).as("%s", card).isNull();
      assertThat(card.get("rows")).as("%s", card).isEqualTo(rows.get(vizId)).isNotEqualTo(0L);
      switch ((String) card.get("type")) {
        case "bar", "pie" -> assertThat(card.get("chartjs")).as("%s", card).isEqualTo(true);
        case "line" -> assertThat(card.get("uplot")).as("%s", card).isEqualTo(true);
        default -> assertThat((String) card.get("text")).as("%s", card).containsPattern("\\d");
      }
    });
    firefox.screenshot("02-starter-dashboard");
  }

  @Test
  @Order(3)
  @DisplayName("3. an uploaded CSV shows upload progress, then its job live until completed")
  void uploadCsv() throws Exception {
    firefox.click("#nav a[href='/datasets']");
    Pages.uploadPlanted(firefox, DATASET);
    firefox.screenshot("03-upload-completed");
  }

  @Test
  @Order(4)
  @DisplayName("4. the dataset's page shows its schema, per-column statistics and issues, and downloads its Parquet")
  void openProfile() throws Exception {
    Pages.openPlantedProfile(firefox, DATASET);
    firefox.screenshot("04-dataset-profile");
    firefox.click("#download");
    Path parquet = firefox.downloaded(".parquet");
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
         ResultSet rs = duckdb.createStatement().executeQuery("SELECT count(*), sum(amount) FROM read_parquet('" + parquet + "')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(PlantedSales.ROWS);
      assertThat(rs.getLong(2)).isEqualTo(PlantedSales.totals().values().stream().mapToLong(Long::longValue).sum());
    }
  }

  @Test
  @Order(5)
  @DisplayName("5. the SQL console flags a bad query as it is typed, shows a good query's result, downloads it as CSV; Ctrl+Enter runs one")
  void runQuery() throws Exception {
    Pages.queryPlanted(firefox, DATASET);
    firefox.click("#csv");
    List<String> expected = new ArrayList<>(List.of("city,total,n"));
    PlantedSales.totals().forEach((city, total) -> expected.add(city + "," + total + "," + PlantedSales.ROWS / 3));
    assertThat(Files.readAllLines(firefox.downloaded("result.csv"))).isEqualTo(expected);
    Pages.queryFromKeyboard(firefox, DATASET);
  }

  @Test
  @Order(6)
  @DisplayName("6. a dashboard with a bar and a line chart, built in the editor, saved and opened, draws both from the right data and exports")
  void buildAndView() throws Exception {
    firefox.click("#nav a[href='/dashboards']");
    firefox.click("#new-dashboard");
    firefox.textOf("h1", "New dashboard");
    firefox.type("#dash-name", TITLE);
    Pages.addBarAndLine(firefox, DATASET);
    firefox.click("#layout button[data-action=narrower][data-index='0']");
    assertThat(firefox.textOf("#layout .layout-card[data-index='0'] .position", "5 × 4")).isEqualTo("column 1, row 1, 5 × 4");
    firefox.screenshot("06-dashboard-editor");
    Pages.saveAndView(firefox);
    long width = (Long) firefox.js("return Math.max(800, Math.round(document.querySelector('#grid').clientWidth));");
    firefox.click("#export-png");
    BufferedImage png = ImageIO.read(firefox.downloaded(".png").toFile());
    assertThat(png.getWidth()).isEqualTo(width);
    firefox.click("#export-pdf");
    try (PDDocument pdf = Loader.loadPDF(firefox.downloaded(".pdf").toFile())) {
      assertThat(new PDFTextStripper().getText(pdf)).contains(TITLE);
      PDResources page = pdf.getPage(0).getResources();
      assertThat(page.getXObjectNames()).as("one image for each chart").filteredOn(name -> page.isImageXObject(name)).hasSize(2);
    }
  }

  @Test
  @Order(7)
  @DisplayName("7. its share link opens it read-only for someone logged out")
  void shareLink() throws Exception {
    Pages.shareAndOpenLoggedOut(firefox, TITLE);
  }

  @Test
  @Order(8)
  @DisplayName("8. a live chart moves when records are produced to its stream")
  void liveChart() throws Exception {
    Pages.logInAs(firefox, email, Pages.PASSWORD);
    LiveChart.movesWithItsStream(firefox, api, "firefox_live");
  }

  @Test
  @Order(9)
  @DisplayName("9. no page of the journey raised an uncaught error in Firefox")
  void noUncaughtErrors() {
    assertThat(errors).isEmpty();
  }
}
