package io.tributary.dashboard.render;

import com.lowagie.text.pdf.BaseFont;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The export's typeface: DejaVu Sans (covers Latin, Greek and Cyrillic) loaded from its files for both Java2D
 * and the PDF (embedded, subset). When a file is missing it falls back to the logical "SansSerif" font and
 * the PDF's standard Helvetica (Latin only), and says so once in the log.
 */
public final class Fonts {

  /** Where Debian's fonts-dejavu-core puts the files. */
  public static final Path DEJAVU_DIR = Path.of("/usr/share/fonts/truetype/dejavu");

  private static final Logger LOG = LoggerFactory.getLogger(Fonts.class);
  private static final Fonts SHARED;

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    SHARED = new Fonts(DEJAVU_DIR.resolve("DejaVuSans.ttf"), DEJAVU_DIR.resolve("DejaVuSans-Bold.ttf"));
  }

  private final Font regular;
  private final Font bold;
  private final BaseFont pdfRegular;
  private final BaseFont pdfBold;
  private final boolean embedded;

  /** Fonts from these TrueType files, or the fallbacks (logged once here) when either cannot be read. */
  public Fonts(Path regularFile, Path boldFile) {
    Font r = null, b = null;
    BaseFont pr = null, pb = null;
    try {
      r = awt(regularFile);
      b = awt(boldFile);
      pr = BaseFont.createFont(regularFile.toString(), BaseFont.IDENTITY_H, BaseFont.EMBEDDED);
      pb = BaseFont.createFont(boldFile.toString(), BaseFont.IDENTITY_H, BaseFont.EMBEDDED);
    } catch (IOException | FontFormatException | RuntimeException e) {
      LOG.warn("Export font {} unavailable ({}); charts use the JVM's SansSerif and PDFs Helvetica, which has "
        + "no Greek, Cyrillic or other non-Latin glyphs. Install fonts-dejavu-core.", regularFile, e.toString());
      r = null;
    }
    embedded = r != null;
    regular = embedded ? r : new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    bold = embedded ? b : new Font(Font.SANS_SERIF, Font.BOLD, 12);
    pdfRegular = embedded ? pr : standard(BaseFont.HELVETICA);
    pdfBold = embedded ? pb : standard(BaseFont.HELVETICA_BOLD);
  }

  /** The process-wide instance (DejaVu Sans from {@link #DEJAVU_DIR}). */
  public static Fonts shared() {
    return SHARED;
  }

  /** True when DejaVu was loaded, false when the fallbacks are in use. */
  public boolean embedded() {
    return embedded;
  }

  /** The Java2D font at this pixel size. */
  public Font awt(boolean strong, float size) {
    return (strong ? bold : regular).deriveFont(size);
  }

  /** The PDF base font. */
  public BaseFont pdf(boolean strong) {
    return strong ? pdfBold : pdfRegular;
  }

  private static Font awt(Path file) throws IOException, FontFormatException {
    if (!Files.isReadable(file)) {
      throw new IOException("not readable");
    }
    return Font.createFont(Font.TRUETYPE_FONT, file.toFile());
  }

  private static BaseFont standard(String name) {
    try {
      return BaseFont.createFont(name, BaseFont.WINANSI, BaseFont.NOT_EMBEDDED);
    } catch (IOException e) {
      throw new IllegalStateException("standard PDF font " + name, e);
    }
  }
}
