package io.tributary.dashboard.render;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.Image;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.ColumnText;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfPageEventHelper;
import com.lowagie.text.pdf.PdfWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PDF export on A4 landscape: a heading (name, description, generation time), then the vizzes in reading
 * order. Charts, numbers and short side-by-side vizzes go in lines as images (rendered at twice their size);
 * each table viz becomes a real table of all its rows, split across pages with its header row repeated.
 */
final class PdfExport {

  private static final float MARGIN = 36;
  /** Logical chart pixels per PDF point: tiles get room close to the PNG's, and 12 px text prints at 7.5 pt. */
  private static final double PX_PER_PT = 1.6;
  /** Raster pixels per logical pixel: 1.6 × 1.75 = 2.8 px per point, about 200 dpi. */
  private static final double RASTER_SCALE = 1.75;
  /** Rows added per step, so finished rows can be written out and dropped from memory. */
  private static final int CHUNK = 500;

  private final ChartRenderer charts;
  private final Fonts fonts;

  PdfExport(ChartRenderer charts, Fonts fonts) {
    this.charts = charts;
    this.fonts = fonts;
  }

  void write(JsonObject dashboard, Map<String, JsonObject> data, Instant generatedAt, OutputStream out)
    throws IOException {
    Document doc = new Document(PageSize.A4.rotate(), MARGIN, MARGIN, MARGIN, MARGIN + 10);
    String name = dashboard.getString("name", "");
    try {
      PdfWriter writer = PdfWriter.getInstance(doc, out);
      writer.setCloseStream(false);
      writer.setPageEvent(new Footer(name));
      doc.addTitle(name);
      doc.addCreator("Tributary");
      doc.open();
      heading(doc, dashboard, generatedAt);
      List<GridLayout.Cell> line = new ArrayList<>();
      int used = 0;
      for (GridLayout.Cell cell : GridLayout.cells(DashboardExport.visualizations(dashboard))) {
        boolean table = "table".equals(cell.viz().getString("chart_type"));
        if (table || used + cell.width() > GridLayout.COLUMNS) {
          line(doc, line, data);
          line.clear();
          used = 0;
        }
        if (table) {
          table(doc, writer, cell.viz(), data.get(cell.viz().getString("viz_id")));
        } else {
          line.add(cell);
          used += cell.width();
        }
      }
      line(doc, line, data);
    } catch (DocumentException e) {
      throw new IOException("PDF export failed: " + e.getMessage(), e);
    } finally {
      if (doc.isOpen()) {
        doc.close();
      }
    }
  }

  private void heading(Document doc, JsonObject dashboard, Instant generatedAt) {
    doc.add(new Paragraph(dashboard.getString("name", ""), font(true, 18, Palette.TEXT)));
    String description = dashboard.getString("description", "");
    if (!description.isBlank()) {
      Paragraph p = new Paragraph(description.strip(), font(false, 10, Palette.TEXT));
      p.setSpacingBefore(4);
      doc.add(p);
    }
    Paragraph stamp = new Paragraph("Generated " + DashboardExport.STAMP.format(generatedAt),
      font(false, 8, Palette.MUTED));
    stamp.setSpacingBefore(4);
    stamp.setSpacingAfter(8);
    doc.add(stamp);
  }

  /** Vizzes side by side at their grid widths, each as an image with its grid aspect ratio. */
  private void line(Document doc, List<GridLayout.Cell> cells, Map<String, JsonObject> data) throws IOException {
    if (cells.isEmpty()) {
      return;
    }
    int used = cells.stream().mapToInt(GridLayout.Cell::width).sum();
    float[] widths = new float[cells.size() + (used < GridLayout.COLUMNS ? 1 : 0)];
    PdfPTable table = new PdfPTable(widths.length);
    table.setWidthPercentage(100);
    float pageWidth = doc.right() - doc.left();
    float pageHeight = doc.top() - doc.bottom() - 20;
    double column = (DashboardExport.DEFAULT_WIDTH - 2.0 * GridLayout.MARGIN + GridLayout.GAP) / GridLayout.COLUMNS;
    double row = GridLayout.rowHeight(DashboardExport.DEFAULT_WIDTH);
    for (int i = 0; i < cells.size(); i++) {
      GridLayout.Cell c = cells.get(i);
      widths[i] = c.width();
      double aspect = (c.height() * row - GridLayout.GAP) / (c.width() * column - GridLayout.GAP);
      double cellPt = pageWidth * c.width() / GridLayout.COLUMNS - 8;
      double heightPt = Math.min(cellPt * aspect, pageHeight);
      int w = (int) Math.round(cellPt * PX_PER_PT);
      int h = (int) Math.round(heightPt * PX_PER_PT);
      BufferedImage image = charts.render(c.viz(), data.get(c.viz().getString("viz_id")), w, h, RASTER_SCALE);
      PdfPCell cell = new PdfPCell(pdfImage(image), true);
      cell.setPadding(3);
      cell.setBorderColor(Palette.BORDER);
      cell.setBorderWidth(0.5f);
      table.addCell(cell);
    }
    if (used < GridLayout.COLUMNS) {
      widths[widths.length - 1] = GridLayout.COLUMNS - used;
      PdfPCell filler = new PdfPCell();
      filler.setBorder(Rectangle.NO_BORDER);
      table.addCell(filler);
    }
    table.setWidths(widths);
    table.setSpacingAfter(8);
    doc.add(table);
  }

  /** A table viz: its title, then every row, the header repeated on each page. */
  private void table(Document doc, PdfWriter writer, JsonObject viz, JsonObject data) {
    if (writer.getVerticalPosition(true) - doc.bottom() < 90) {
      doc.newPage();
    }
    Paragraph title = new Paragraph(viz.getString("title", ""), font(true, 12, Palette.TEXT));
    title.setSpacingBefore(6);
    title.setSpacingAfter(6);
    doc.add(title);
    if (data == null || data.getValue("error") != null) {
      doc.add(new Paragraph(data == null ? "No data" : "Query failed", font(false, 9, Palette.MUTED)));
      return;
    }
    List<String> columns = TextTiles.columns(data);
    JsonArray rows = XYData.rows(data);
    if (columns.isEmpty()) {
      doc.add(new Paragraph("No columns", font(false, 9, Palette.MUTED)));
      return;
    }
    boolean[] right = new boolean[columns.size()];
    for (int c = 0; c < right.length; c++) {
      right[c] = Values.kind(Values.type(data, columns.get(c)), rows, columns.get(c)) == Values.Kind.NUMBER;
    }
    PdfPTable table = new PdfPTable(relativeWidths(columns, rows));
    table.setWidthPercentage(100);
    table.setHeaderRows(1);
    table.setComplete(false);
    Font head = font(true, 8.5f, Palette.TEXT);
    Font body = font(false, 8, Palette.TEXT);
    for (int c = 0; c < columns.size(); c++) {
      table.addCell(cell(columns.get(c), head, Palette.HEADER_FILL, right[c]));
    }
    for (int r = 0; r < rows.size(); r++) {
      JsonObject row = rows.getJsonObject(r);
      Color fill = r % 2 == 1 ? Palette.ZEBRA : Color.WHITE;
      for (int c = 0; c < columns.size(); c++) {
        table.addCell(cell(Values.text(row.getValue(columns.get(c))), body, fill, right[c]));
      }
      if ((r + 1) % CHUNK == 0) {
        addRows(doc, writer, table);
      }
    }
    table.setComplete(true);
    addRows(doc, writer, table);
    String note = String.format(Locale.ROOT, "%,d rows", rows.size());
    if (data.getBoolean("truncated", false)) {
      note += " (the query result was cut at its row limit)";
    }
    Paragraph p = new Paragraph(note, font(false, 8, Palette.MUTED));
    p.setSpacingBefore(3);
    p.setSpacingAfter(8);
    doc.add(p);
  }

  /**
   * Adds the table's pending rows. After a flush the library skips the header of the next part, which is right
   * when the part continues on the same page but not when it starts a page: then the header is put back.
   */
  private static void addRows(Document doc, PdfWriter writer, PdfPTable table) {
    if (table.isSkipFirstHeader()) {
      table.setSkipFirstHeader(writer.getVerticalPosition(true) < doc.top() - 0.5f);
    }
    doc.add(table);
  }

  /** The RGB raster as a raw PDF image (compressed by the writer), without AWT's slow pixel grabbing. */
  private static Image pdfImage(BufferedImage image) {
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    byte[] rgb = new byte[pixels.length * 3];
    for (int i = 0, j = 0; i < pixels.length; i++) {
      int p = pixels[i];
      rgb[j++] = (byte) (p >> 16);
      rgb[j++] = (byte) (p >> 8);
      rgb[j++] = (byte) p;
    }
    try {
      return Image.getInstance(image.getWidth(), image.getHeight(), 3, 8, rgb);
    } catch (DocumentException e) {
      throw new IllegalStateException("raw image rejected", e);
    }
  }

  private static PdfPCell cell(String text, Font font, Color fill, boolean right) {
    PdfPCell cell = new PdfPCell(new Phrase(text, font));
    cell.setBackgroundColor(fill);
    cell.setBorderColor(Palette.BORDER);
    cell.setBorderWidth(0.25f);
    cell.setPaddingTop(1.5f);
    cell.setPaddingBottom(3.5f);
    cell.setPaddingLeft(3);
    cell.setPaddingRight(3);
    cell.setHorizontalAlignment(right ? Element.ALIGN_RIGHT : Element.ALIGN_LEFT);
    return cell;
  }

  /** Column widths from the header and the first rows' text lengths, each between 3 and 30 characters. */
  private static float[] relativeWidths(List<String> columns, JsonArray rows) {
    float[] widths = new float[columns.size()];
    int sample = Math.min(rows.size(), 200);
    for (int c = 0; c < widths.length; c++) {
      int len = columns.get(c).length() + 1;
      for (int r = 0; r < sample; r++) {
        len = Math.max(len, Values.text(rows.getJsonObject(r).getValue(columns.get(c))).length());
      }
      widths[c] = Math.max(3, Math.min(30, len));
    }
    return widths;
  }

  private Font font(boolean bold, float size, Color color) {
    return new Font(fonts.pdf(bold), size, Font.NORMAL, color);
  }

  /** The dashboard's name and the page number at the foot of each page. */
  private final class Footer extends PdfPageEventHelper {
    private final String name;

    Footer(String name) {
      this.name = name;
    }

    @Override
    public void onEndPage(PdfWriter writer, Document document) {
      Font small = font(false, 7.5f, Palette.MUTED);
      float y = document.bottom() - 22;
      ColumnText.showTextAligned(writer.getDirectContent(), Element.ALIGN_LEFT, new Phrase(name, small),
        document.left(), y, 0);
      ColumnText.showTextAligned(writer.getDirectContent(), Element.ALIGN_RIGHT,
        new Phrase("Page " + writer.getPageNumber(), small), document.right(), y, 0);
    }
  }
}
