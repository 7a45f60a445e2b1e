package io.tributary.query;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * One query of one user: their lake folder and the folders of the datasets shared with them through collections
 * (the only places their sandbox may read), their ready datasets as tables, the SQL text, the row limit and the
 * time allowed.
 */
public record QueryRequest(UUID userId, Path userDir, List<Path> sharedDirs, List<QueryTable> tables, String sql, int limit,
                           Duration timeout) {
}
