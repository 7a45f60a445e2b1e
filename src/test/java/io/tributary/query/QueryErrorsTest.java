package io.tributary.query;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Engine messages as a caller sees them")
class QueryErrorsTest {

  @Test
  @DisplayName("no message names a folder of the data directory: own, shared, or any other")
  void pathsAreHidden() {
    Path data = Path.of("/srv/tributary/data");
    Path own = data.resolve("datasets/" + UUID.randomUUID());
    Path otherOwner = data.resolve("datasets/" + UUID.randomUUID());
    Path sharedDataset = otherOwner.resolve(UUID.randomUUID().toString());
    Path sharedFile = sharedDataset.resolve("v3.parquet");
    QueryRequest request = new QueryRequest(UUID.randomUUID(), own, List.of(sharedDataset),
      List.of(new QueryTable("sales.orders", List.of(sharedFile), 3)), "SELECT 1", 10, Duration.ofSeconds(1));
    QueryErrors errors = new QueryErrors(data.resolve("tmp"));

    String scrubbed = errors.scrub("IO Error: " + sharedFile + " and " + sharedDataset.resolve("v2.parquet") + " and "
      + own.resolve("x/y.parquet") + " and " + data.resolve("staging/z.csv"), request);

    assertThat(scrubbed).doesNotContain(data.toString()).doesNotContain(otherOwner.getFileName().toString())
      .contains("sales.orders").contains("<shared dataset>/v2.parquet").contains("<your datasets>/x/y.parquet");
  }
}
