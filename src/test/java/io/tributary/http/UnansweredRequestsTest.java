package io.tributary.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Requests not answered in time are named once")
class UnansweredRequestsTest {

  private static final long MS = 1_000_000L;

  @Test
  @DisplayName("a request past the limit is named once; answered ones and younger ones are not")
  void namesLateRequestsOnce() {
    UnansweredRequests tracker = new UnansweredRequests(1_000);
    tracker.track("a", new UnansweredRequests.Open("POST", "/api/v1/ml/predict", "r-a", 0, null));
    tracker.track("b", new UnansweredRequests.Open("GET", "/api/v1/search", "r-b", 200 * MS, null));
    tracker.track("c", new UnansweredRequests.Open("GET", "/api/v1/data/datasets", "r-c", 900 * MS, null));
    tracker.done("b");

    assertThat(tracker.sweep(999 * MS)).isEmpty();
    assertThat(tracker.sweep(1_100 * MS)).extracting(o -> o.requestId).containsExactly("r-a");
    assertThat(tracker.sweep(1_200 * MS)).as("named once").isEmpty();
    assertThat(tracker.sweep(2_000 * MS)).extracting(o -> o.requestId).containsExactly("r-c");
    tracker.done("a");
    tracker.done("c");
    assertThat(tracker.size()).isZero();
  }

  @Test
  @DisplayName("a limit of 0 follows nothing")
  void off() {
    assertThat(new UnansweredRequests(0).enabled()).isFalse();
  }
}
