package io.tributary.fanout;

import io.vertx.core.Context;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The feeds of one log on one event loop, pumped together once per turn of the loop: records that arrive while a
 * pump is due join it, so an event loop that falls behind writes more records per socket (and per system call) the
 * further behind it is, instead of more pumps. Event-loop confined.
 */
final class FeedPump {

  private final Context context;
  private final Set<SocketFeed> feeds = new LinkedHashSet<>();
  private boolean due;

  FeedPump(Context context) {
    this.context = context;
  }

  void add(SocketFeed feed) {
    feeds.add(feed);
  }

  /** Whether the feed was here. */
  boolean remove(SocketFeed feed) {
    return feeds.remove(feed);
  }

  boolean isEmpty() {
    return feeds.isEmpty();
  }

  /** Pumps every feed after what the event loop already has queued (new records among it). */
  void schedule() {
    if (!due) {
      due = true;
      context.runOnContext(v -> {
        due = false;
        for (SocketFeed feed : feeds.toArray(SocketFeed[]::new)) {
          feed.pump();
        }
      });
    }
  }
}
