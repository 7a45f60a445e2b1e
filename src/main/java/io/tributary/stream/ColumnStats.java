package io.tributary.stream;

import io.vertx.core.json.JsonObject;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

import java.util.Base64;

/**
 * Mergeable statistics of one column of a stream: the count of values, min and max, mean and the sum of
 * squared deviations (merged with Chan's parallel formula, so mean and sample standard deviation are exact up to
 * floating point), an HLL sketch of the distinct values (about 1.6% relative error) and, for numbers, a KLL
 * sketch of their distribution (about 1.3% rank error) for the outlier rule. Each batch's statistics merge into
 * the stream's in the transaction that registers the batch's part file, so the profile never needs a rescan.
 */
final class ColumnStats {

  static final int HLL_LG_K = 12;
  static final int KLL_K = 200;

  String type;
  long values;
  double mean;
  double m2;
  Double minNumber;
  Double maxNumber;
  String minText;
  String maxText;
  private HllSketch distinct;
  private KllDoublesSketch quantiles;

  ColumnStats(String type) {
    this.type = type;
  }

  /** Adds one non-null value, already converted to this column's type (Long, Double, Boolean or String). */
  void add(Object value) {
    values++;
    if (distinct == null) {
      distinct = new HllSketch(HLL_LG_K, TgtHllType.HLL_8); // byte registers: the fastest updates
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (value instanceof Long l) {
        distinct.update(l);
      } else {
        distinct.update(d);
      }
      double delta = d - mean;
      mean += delta / values;
      m2 += delta * (d - mean);
      if (minNumber == null || d < minNumber) {
        minNumber = d; // boxed only when it changes
      }
      if (maxNumber == null || d > maxNumber) {
        maxNumber = d;
      }
      if (quantiles == null) {
        quantiles = KllDoublesSketch.newHeapInstance(KLL_K);
      }
      if (Double.isFinite(d)) {
        quantiles.update(d);
      }
    } else {
      String text = value.toString();
      distinct.update(text);
      minText = minText == null || text.compareTo(minText) < 0 ? text : minText;
      maxText = maxText == null || text.compareTo(maxText) > 0 ? text : maxText;
    }
  }

  /** Merges another column's statistics into this one; the type widens when they differ. */
  void merge(ColumnStats other) {
    String widened = StreamSchema.widen(type, other.type);
    boolean numeric = StreamSchema.numeric(widened);
    if (numeric && other.values > 0) {
      long n = values + other.values;
      double delta = other.mean - mean;
      m2 = m2 + other.m2 + delta * delta * values * other.values / n;
      mean = mean + delta * other.values / n;
      minNumber = min(minNumber, other.minNumber);
      maxNumber = max(maxNumber, other.maxNumber);
      if (other.quantiles != null) {
        if (quantiles == null) {
          quantiles = KllDoublesSketch.newHeapInstance(KLL_K);
        }
        quantiles.merge(other.quantiles);
      }
    } else if (!numeric) {
      // widened to text: numbers have no place in a text ordering, and moments no meaning
      minText = minText(minText, other.minText);
      maxText = maxText(maxText, other.maxText);
      minNumber = null;
      maxNumber = null;
      quantiles = null;
      mean = 0;
      m2 = 0;
    }
    if (other.distinct != null) {
      Union union = new Union(HLL_LG_K);
      if (distinct != null) {
        union.update(distinct);
      }
      union.update(other.distinct);
      distinct = union.getResult();
    }
    values += other.values;
    type = widened;
  }

  /** Estimated number of distinct non-null values (never more than the values seen). */
  long distinctEstimate() {
    return distinct == null ? 0 : Math.min(values, Math.round(distinct.getEstimate()));
  }

  /** Sample standard deviation (n − 1), null below two values or for text. */
  Double stdDev() {
    return StreamSchema.numeric(type) && values > 1 ? Math.sqrt(m2 / (values - 1)) : null;
  }

  /** The quartiles Q1 and Q3 from the sketch, or null when there are fewer than {@code min} numbers. */
  double[] quartiles(int min) {
    if (quantiles == null || quantiles.getN() < min) {
      return null;
    }
    return new double[] {quantiles.getQuantile(0.25, QuantileSearchCriteria.INCLUSIVE),
      quantiles.getQuantile(0.75, QuantileSearchCriteria.INCLUSIVE)};
  }

  /** Estimated count of numbers below {@code low} or above {@code high}. */
  long outsideEstimate(double low, double high) {
    if (quantiles == null || quantiles.isEmpty()) {
      return 0;
    }
    double below = quantiles.getRank(low, QuantileSearchCriteria.EXCLUSIVE);
    double above = 1.0 - quantiles.getRank(high, QuantileSearchCriteria.INCLUSIVE);
    return Math.round((below + above) * quantiles.getN());
  }

  JsonObject toJson() {
    JsonObject o = new JsonObject().put("type", type).put("values", values).put("mean", mean).put("m2", m2)
      .put("min_number", minNumber).put("max_number", maxNumber).put("min_text", minText).put("max_text", maxText);
    if (distinct != null) {
      o.put("hll", Base64.getEncoder().encodeToString(distinct.toCompactByteArray()));
    }
    if (quantiles != null) {
      o.put("kll", Base64.getEncoder().encodeToString(quantiles.toByteArray()));
    }
    return o;
  }

  static ColumnStats fromJson(JsonObject o) {
    ColumnStats s = new ColumnStats(o.getString("type"));
    s.values = o.getLong("values", 0L);
    s.mean = o.getDouble("mean", 0.0);
    s.m2 = o.getDouble("m2", 0.0);
    s.minNumber = o.getDouble("min_number");
    s.maxNumber = o.getDouble("max_number");
    s.minText = o.getString("min_text");
    s.maxText = o.getString("max_text");
    if (o.getString("hll") != null) {
      s.distinct = HllSketch.heapify(Base64.getDecoder().decode(o.getString("hll")));
    }
    if (o.getString("kll") != null) {
      s.quantiles = KllDoublesSketch.heapify(Memory.wrap(Base64.getDecoder().decode(o.getString("kll"))));
    }
    return s;
  }

  private static Double min(Double a, Double b) {
    return a == null ? b : b == null ? a : Double.valueOf(Math.min(a, b));
  }

  private static Double max(Double a, Double b) {
    return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
  }

  private static String minText(String a, String b) {
    return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
  }

  private static String maxText(String a, String b) {
    return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
  }
}
