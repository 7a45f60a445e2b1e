package io.tributary.transform;

import java.util.Locale;

/** The formats an upload can have. */
public enum SourceType {
  CSV, JSON, PARQUET;

  /** The type for {@code csv}, {@code json} or {@code parquet} (any case). */
  public static SourceType fromName(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
