package io.tributary.dashboard.render;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardExportTest {

  private static final Path SAMPLES = Path.of("target", "export-samples");
  private static final Pattern HEADER = Pattern.compile("(?m)^key city amount day$");
  private static final Pattern KEY = Pattern.compile("row-\\d{5}");

  private static JsonObject dashboard;
  private static Map<String, JsonObject> data;
  private final DashboardExport export = new DashboardExport();

  @BeforeAll
  static void plant() throws IOException {
    dashboard = ExportFixtures.dashboard();
    data = ExportFixtures.dashboardData(200_000, 20_000, 5_000);
    Files.createDirectories(SAMPLES);
  }

  @Test
  @DisplayName("the PNG decodes to the requested size, and to 1600 wide at the layout's height by default")
  void pngSizes() throws IOException {
    BufferedImage asked = ImageIO.read(new ByteArrayInputStream(export.png(dashboard, data, 1200, 900)));
    assertThat(asked.getWidth()).isEqualTo(1200);
    assertThat(asked.getHeight()).isEqualTo(900);
    byte[] png = export.png(dashboard, data, 0, 0);
    Files.write(SAMPLES.resolve("dashboard.png"), png);
    BufferedImage natural = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(natural.getWidth()).isEqualTo(DashboardExport.DEFAULT_WIDTH);
    // 12 grid rows of 80 px, the header with a description, margins, less one gap
    assertThat(natural.getHeight()).isEqualTo(78 + 2 * 16 + 12 * 80 - 12);
  }

  @Test
  @DisplayName("the PNG draws each tile at its grid position")
  void pngLayout() {
    BufferedImage image = export.image(dashboard, data, 1600, 0, Instant.EPOCH);
    double column = (1600 - 32 + 12) / 12.0;
    // the bar tile spans columns 0-3 of rows 3-6: its bars are the first series colour, and nothing of that
    // colour sits in columns 4-11 of those rows except the scatter's and pie's own tiles (other colours first)
    int bar = Palette.series(0).getRGB();
    int top = 78 + 16 + 3 * 80;
    int barPixels = 0;
    for (int y = top; y < top + 4 * 80 - 12; y++) {
      for (int x = 16; x < (int) (16 + 4 * column - 12); x++) {
        barPixels += image.getRGB(x, y) == bar ? 1 : 0;
      }
    }
    assertThat(barPixels).isGreaterThan(5_000);
    assertThat(image.getRGB(8, 500)).isEqualTo(Palette.CANVAS.getRGB());
  }

  @Test
  @DisplayName("the PDF holds every row of a 5,000-row table, with the header on every page of it")
  void pdfEveryRow() throws IOException {
    byte[] pdf = export.pdf(dashboard, data);
    Files.write(SAMPLES.resolve("dashboard.pdf"), pdf);
    List<String> pages = pages(pdf);
    assertThat(pages.size()).isGreaterThan(10);
    boolean[] seen = new boolean[5_000];
    int tablePages = 0;
    for (String page : pages) {
      var keys = KEY.matcher(page);
      boolean any = false;
      while (keys.find()) {
        seen[Integer.parseInt(keys.group().substring(4))] = true;
        any = true;
      }
      if (any) {
        tablePages++;
        assertThat(HEADER.matcher(page).find()).as("header on a page with rows").isTrue();
      }
    }
    for (int i = 0; i < seen.length; i++) {
      assertThat(seen[i]).as(ExportFixtures.key(i)).isTrue();
    }
    assertThat(tablePages).isGreaterThan(10);
    assertThat(String.join("\n", pages)).contains("5,000 rows");
  }

  @Test
  @DisplayName("wherever a table's parts end on a page, rows of any height, every page of it has the header")
  void pdfHeaderAtAnyOffset() throws IOException {
    JsonObject rows = ExportFixtures.table("t", 1_100);
    JsonArray results = rows.getJsonArray("results");
    for (int i = 0; i < results.size(); i += 7) {
      results.getJsonObject(i).put("city", "a long city name that wraps ".repeat(1 + i % 3));
    }
    for (int lines = 0; lines < 8; lines++) {
      JsonObject only = new JsonObject().put("name", "Offsets").put("description", "line\n".repeat(lines * 3 + 1))
        .put("visualizations", new JsonArray().add(ExportFixtures.viz("t", "Orders", "table", new JsonObject(),
          0, 0, 12, 4)));
      List<String> pages = pages(export.pdf(only, Map.of("t", rows)));
      String all = String.join("\n", pages);
      for (String page : pages) {
        if (KEY.matcher(page).find()) {
          assertThat(HEADER.matcher(page).find()).as("header, description of %d lines", lines * 3 + 1).isTrue();
        }
      }
      assertThat(KEY.matcher(all).results().count()).isEqualTo(1_100);
    }
  }

  @Test
  @DisplayName("Greek and Cyrillic text comes back out of the PDF")
  void pdfNonLatin() throws IOException {
    List<String> pages = pages(export.pdf(dashboard, data));
    assertThat(pages.get(0)).contains("Sales overview — Αθήνα, Москва").contains("Αθήνα").contains("Москва");
    assertThat(String.join("\n", pages)).contains("Kraków", "København", "Zürich");
  }

  @Test
  @DisplayName("without the font files the export still works in the fallback fonts")
  void fontFallback() throws IOException {
    Fonts missing = new Fonts(Path.of("/nonexistent/DejaVuSans.ttf"), Path.of("/nonexistent/DejaVuSans-Bold.ttf"));
    assertThat(missing.embedded()).isFalse();
    assertThat(Fonts.shared().embedded()).isTrue();
    DashboardExport fallback = new DashboardExport(missing);
    List<String> pages = pages(fallback.pdf(dashboard, data));
    assertThat(String.join("\n", pages)).contains("row-04999", "Zürich");
    assertThat(ImageIO.read(new ByteArrayInputStream(fallback.png(dashboard, data, 800, 600))).getWidth())
      .isEqualTo(800);
  }

  @Test
  @DisplayName("a broken viz or missing data becomes a placeholder; bad sizes and formats are refused")
  void badInput() throws IOException {
    JsonObject broken = dashboard.copy();
    JsonArray vizzes = broken.getJsonArray("visualizations");
    vizzes.getJsonObject(2).getJsonObject("config").put("x", "no_such_column");
    vizzes.add(ExportFixtures.viz("v-ghost", "No data here", "line", ExportFixtures.config("t", "v"), 0, 12, 6, 3));
    assertThat(export.png(broken, data, 1000, 0)).isNotEmpty();
    assertThat(String.join("\n", pages(export.pdf(broken, data)))).contains("row-04999");
    assertThatThrownBy(() -> export.png(dashboard, data, 100, 100))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
    assertThatThrownBy(() -> export.png(dashboard, data, 20_000, 20_000))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> export.write("svg", dashboard, data, 0, 0, Instant.now(), SAMPLES.resolve("x.svg")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("png or pdf");
  }

  private static List<String> pages(byte[] pdf) throws IOException {
    List<String> pages = new ArrayList<>();
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      PDFTextStripper stripper = new PDFTextStripper();
      for (int p = 1; p <= doc.getNumberOfPages(); p++) {
        stripper.setStartPage(p);
        stripper.setEndPage(p);
        pages.add(stripper.getText(doc));
      }
    }
    return pages;
  }

  @Test
  @DisplayName("a dashboard without visualizations draws at its default size: the header and a note saying it is empty")
  void emptyDashboard() {
    JsonObject empty = new JsonObject().put("name", "Empty board").put("visualizations", new io.vertx.core.json.JsonArray());
    BufferedImage image = export.image(empty, java.util.Map.of(), 0, 0, Instant.EPOCH);
    assertThat(image.getWidth()).isEqualTo(1600);
    assertThat(image.getHeight()).isGreaterThanOrEqualTo(156);
    int background = image.getRGB(5, image.getHeight() - 5);
    long inked = 0;
    for (int x = 600; x < 1000; x++) {
      for (int y = 80; y < image.getHeight(); y++) {
        if (image.getRGB(x, y) != background) {
          inked++;
        }
      }
    }
    assertThat(inked).as("the note in the body's middle").isGreaterThan(200);
  }
}
