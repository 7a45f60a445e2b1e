package io.tributary.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tributary collection stats [--watch]}: items, rows and bytes per collection, refreshed live with --watch. */
@Command(name = "stats", description = "Items, rows and bytes of each collection; --watch refreshes it.")
final class CollectionStats implements Callable<Integer> {

  @ParentCommand
  private CollectionCommand parent;

  @Option(names = "--watch", description = "Redraw every --interval seconds until Ctrl-C")
  private boolean watch;

  @Option(names = "--interval", defaultValue = "2", description = "Seconds between redraws (default: ${DEFAULT-VALUE})")
  private int interval;

  @Override
  public Integer call() throws InterruptedException {
    Cli cli = parent.cli;
    do {
      JsonArray rows = new JsonArray();
      for (Object o : parent.list(null)) {
        JsonObject c = (JsonObject) o;
        JsonObject detail = cli.client().get("/api/v1/collections/" + CollectionCommand.id(c));
        JsonArray items = CollectionCommand.items(detail);
        long rowCount = items.stream().mapToLong(i -> ((JsonObject) i).getLong("row_count", 0L)).sum();
        rows.add(new JsonObject().put("name", c.getString("name")).put("items", items.size()).put("rows", rowCount)
          .put("size", Formats.size(CollectionCommand.bytes(items))).put("version", detail.getValue("version"))
          .put("updated", detail.getValue("updated_at")));
      }
      if (watch) {
        cli.out.print("\033[H\033[2J"); // home, clear screen
        cli.out.println("Collections at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " (Ctrl-C to stop)");
      }
      Table.print(cli.out, List.of("name", "items", "rows", "size", "version", "updated"), rows, cli.width());
      cli.out.flush();
      if (watch) {
        Thread.sleep(interval * 1000L);
      }
    } while (watch);
    return CliError.OK;
  }
}
