package io.tributary.profile;

/** One column of a file being profiled: what the scans have found so far. */
final class ScannedColumn {

  final String name;
  final String reportedType;
  final ProfileValues.Kind kind;
  final String quoted;
  Long knownDistinct;
  long nonNull;
  /** Estimated distinct values (-1: unknown) and average length of a string, from the statistics scan. */
  long approxDistinct = -1;
  double avgLength;
  long distinct;
  /** Whether {@code distinct} is already counted ({@link Histograms}). */
  boolean counted;
  /** Whether the fences and outliers are already found ({@link Histograms}). */
  boolean quartilesKnown;
  Object min;
  Object max;
  Double mean;
  Double stdDev;
  QualityReport.Fences fences;
  long outliers;

  ScannedColumn(String name, String reportedType, String fileType) {
    this.name = name;
    this.reportedType = reportedType;
    this.kind = ProfileValues.Kind.of(fileType);
    this.quoted = ProfileValues.quoteIdentifier(name);
  }

  QualityReport.Column figures() {
    return new QualityReport.Column(name, reportedType, kind.numeric(), nonNull, distinct, min, max, mean, stdDev,
        fences, outliers);
  }
}
