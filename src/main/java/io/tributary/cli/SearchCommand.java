package io.tributary.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code tributary search QUERY}: the catalog search ({@code GET /api/v1/search}). */
@Command(name = "search", description = "Search the names, descriptions, tags and columns of what you can see.")
final class SearchCommand implements Callable<Integer> {

  @ParentCommand
  private Cli cli;

  @Parameters(paramLabel = "QUERY", arity = "1..*", description = "Words to look for")
  private java.util.List<String> words;

  @Option(names = "--type", description = "dataset, column, collection or dashboard")
  private String type;

  @Option(names = "--limit", defaultValue = "20", description = "Results to show (default: ${DEFAULT-VALUE})")
  private int limit;

  @Option(names = "--mode", defaultValue = "keyword", description = "keyword or hybrid (default: ${DEFAULT-VALUE})")
  private String mode;

  @Option(names = {"-f", "--format"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE})")
  private String format;

  @Override
  public Integer call() {
    StringBuilder path = new StringBuilder("/api/v1/search?q=").append(ApiClient.encode(String.join(" ", words)))
      .append("&limit=").append(limit).append("&mode=").append(ApiClient.encode(mode));
    if (type != null) {
      path.append("&type=").append(ApiClient.encode(type));
    }
    JsonObject reply = cli.client().get(path.toString());
    JsonArray items = reply.getJsonArray("items", new JsonArray());
    if (reply.getString("fallback") != null) {
      cli.err.println("note: " + reply.getString("fallback"));
    }
    if ("json".equals(format)) {
      cli.out.println(reply.encodePrettily());
    } else if (items.isEmpty()) {
      cli.out.println("Nothing found.");
    } else {
      Table.print(cli.out, Table.columns(items), items, cli.width());
    }
    return CliError.OK;
  }
}
