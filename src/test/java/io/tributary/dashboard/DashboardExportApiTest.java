package io.tributary.dashboard;

import io.tributary.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Dashboard exports drawn on the server from the data")
class DashboardExportApiTest {

  @Test
  @DisplayName("a PNG decodes to the requested size; a PDF holds every row of a 5,000-row table; links expire")
  void pngAndPdf() throws Exception {
    Api owner = Api.newUser("analyst", "premium");
    Path dir = Files.createTempDirectory("export");
    StringBuilder csv = new StringBuilder("id,label,amount\n");
    for (int i = 0; i < 5_000; i++) {
      csv.append(i).append(",row-").append(String.format("%05d", i)).append(',').append(i % 97).append('\n');
    }
    Files.writeString(dir.resolve("rows.csv"), csv.toString());
    String dataset = owner.uploadAndWait(dir.resolve("rows.csv"), Map.of("name", "rows")).getString("dataset_id");
    JsonObject table = new JsonObject().put("title", "Every row").put("chart_type", "table").put("dataset_id", dataset)
      .put("query", "SELECT id, label, amount FROM rows ORDER BY id");
    JsonObject bars = new JsonObject().put("title", "Amounts").put("chart_type", "bar").put("dataset_id", dataset)
      .put("query", "SELECT amount % 5 AS bucket, count(*) AS n FROM rows GROUP BY 1 ORDER BY 1")
      .put("config", new JsonObject().put("x", "bucket").put("y", "n"));
    String id = owner.post("/api/v1/dashboards", new JsonObject().put("name", "Αθήνα report")
        .put("visualizations", new JsonArray().add(bars).add(table)))
      .bodyAsJsonObject().getString("dashboard_id");

    HttpResponse<Buffer> png = owner.post("/api/v1/dashboards/" + id + "/export",
      new JsonObject().put("format", "png").put("width", 1000).put("height", 700));
    assertThat(png.statusCode()).as(png.bodyAsString()).isEqualTo(201);
    String pngUrl = png.bodyAsJsonObject().getString("download_url");
    HttpResponse<Buffer> image = Api.anonymous().get(pngUrl);
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.getHeader("Content-Type")).isEqualTo("image/png");
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.body().getBytes()));
    assertThat(decoded.getWidth()).isEqualTo(1000);
    assertThat(decoded.getHeight()).isEqualTo(700);

    HttpResponse<Buffer> pdf = owner.post("/api/v1/dashboards/" + id + "/export", new JsonObject().put("format", "pdf"));
    assertThat(pdf.statusCode()).as(pdf.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> file = Api.anonymous().get(pdf.bodyAsJsonObject().getString("download_url"));
    assertThat(file.getHeader("Content-Type")).isEqualTo("application/pdf");
    try (PDDocument doc = Loader.loadPDF(file.body().getBytes())) {
      assertThat(doc.getNumberOfPages()).as("the table runs over many pages").isGreaterThan(20);
      String text = new PDFTextStripper().getText(doc);
      for (int i = 0; i < 5_000; i++) {
        assertThat(text).as("row %d is in the PDF", i).contains(String.format("row-%05d", i));
      }
      assertThat(text).contains("Αθήνα report");
      PDFTextStripper page = new PDFTextStripper();
      page.setStartPage(doc.getNumberOfPages());
      page.setEndPage(doc.getNumberOfPages());
      assertThat(page.getText(doc)).as("the header row repeats on the last page").contains("label").contains("amount");
    }

    Api.error(owner.post("/api/v1/dashboards/" + id + "/export", new JsonObject().put("format", "gif")), 400,
      "VALIDATION_FAILED");
    Api.error(Api.anonymous().get("/api/v1/exports/" + "x".repeat(43)), 404, "NOT_FOUND");
  }
}
