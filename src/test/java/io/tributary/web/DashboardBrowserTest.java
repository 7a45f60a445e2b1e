package io.tributary.web;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

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

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Browser.available(), "Chromium or chromedriver is absent (apt-get install -y chromium chromium-driver)");
    email = "dash-" + UUID.randomUUID() + "@test.local";
    api = Pages.newAnalyst(email);
    Path csv = Files.createTempFile("dash-sales", ".csv");
    Files.writeString(csv, PlantedSales.csv());
    assertThat(api.uploadAndWait(csv, Map.of("name", DATASET)).getString("status")).isEqualTo("completed");
    browser = new Browser("http://127.0.0.1:" + TestApp.get().port);
    Pages.logInAs(browser, email, Pages.PASSWORD);
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
    Pages.saveAndView(browser);
  }

  @Test
  @Order(2)
  @DisplayName("6. its share link opens it read-only for someone logged out")
  void shareLink() throws Exception {
    Pages.shareAndOpenLoggedOut(browser, TITLE);
  }

  @Test
  @Order(3)
  @DisplayName("7. a live chart moves when records are produced to its stream")
  void liveChart() throws Exception {
    Pages.logInAs(browser, email, Pages.PASSWORD);
    LiveChart.movesWithItsStream(browser, api, "browser_live");
  }
}
