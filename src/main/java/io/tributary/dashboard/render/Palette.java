package io.tributary.dashboard.render;

import java.awt.Color;
import java.util.List;

/**
 * The export's colours: ten series colours, each with at least 3:1 contrast on white (lines and bars stay
 * visible), in an order that keeps neighbours distinguishable for the common colour-vision deficiencies.
 */
public final class Palette {

  /** Series colours as hex, in order; the web app can use the same list. */
  public static final List<String> SERIES_HEX = List.of("#2F6DB5", "#E0651B", "#218A5A", "#C23B55", "#7A57B8",
    "#8A6A2A", "#C2488F", "#1C8A99", "#5E6770", "#8C8C12");

  static final Color TEXT = new Color(0x1F2328);
  static final Color MUTED = new Color(0x59636E);
  static final Color GRID = new Color(0xE3E6EA);
  static final Color AXIS = new Color(0x8C959F);
  static final Color CANVAS = new Color(0xF3F4F6);
  static final Color TILE = Color.WHITE;
  static final Color BORDER = new Color(0xD0D7DE);
  static final Color HEADER_FILL = new Color(0xEEF1F4);
  static final Color ZEBRA = new Color(0xF7F8FA);

  private static final Color[] SERIES = SERIES_HEX.stream().map(Color::decode).toArray(Color[]::new);

  private Palette() {
  }

  /** The colour of the i-th series (cycling). */
  public static Color series(int i) {
    return SERIES[Math.floorMod(i, SERIES.length)];
  }
}
