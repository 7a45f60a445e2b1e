package io.tributary.transform;

import java.util.List;

/** What a conversion produced. */
public record ConvertResult(long rowCount, long rowsRejected, List<ColumnSpec> columns, long sizeBytes) {
}
