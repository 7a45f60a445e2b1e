package io.tributary.insight;

/**
 * Documented severity thresholds, by method (README "Insights"):
 * <ul>
 *   <li>robust z-score and off-trend residuals: |z| &gt; 3.5 is an anomaly; low below 5, medium below 10, high
 *   from 10;</li>
 *   <li>IQR fences (when MAD is 0): distance from the nearer quartile in IQRs, 1.5 is an anomaly; low below 3,
 *   medium below 6, high from 6;</li>
 *   <li>level shift: Cohen's d of the after/before means; low below 1, medium below 2, high from 2.</li>
 * </ul>
 */
final class Severity {

  static final double ROBUST_Z = 3.5;
  static final double IQR_FENCE = 1.5;
  static final double MAD_SCALE = 0.6745;

  private Severity() {
  }

  static String robustZ(double z) {
    double a = Math.abs(z);
    return a < 5 ? "low" : a < 10 ? "medium" : "high";
  }

  static String iqr(double k) {
    double a = Math.abs(k);
    return a < 3 ? "low" : a < 6 ? "medium" : "high";
  }

  static String levelShift(double d) {
    double a = Math.abs(d);
    return a < 1 ? "low" : a < 2 ? "medium" : "high";
  }

  static int rank(String severity) {
    return switch (severity) {
      case "high" -> 3;
      case "medium" -> 2;
      default -> 1;
    };
  }
}
