package io.tributary.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tributary query SQL [--format table|json|csv]}. */
@Command(name = "query", description = "Run a read-only SQL query over your datasets.")
final class QueryCommand implements Callable<Integer> {

  enum Format { table, json, csv }

  @ParentCommand
  private Cli cli;

  @Parameters(paramLabel = "SQL", description = "One SELECT; tables are your dataset names")
  private String sql;

  @Option(names = {"-f", "--format"}, defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE})")
  private Format format;

  @Option(names = "--limit", description = "Rows to return (the server's default when absent)")
  private Integer limit;

  @Override
  public Integer call() throws IOException {
    ApiClient api = cli.client();
    JsonObject body = new JsonObject().put("sql", sql);
    if (limit != null) {
      body.put("limit", limit);
    }
    if (format == Format.csv) {
      try (InputStream csv = api.stream("POST", "/api/v1/query/sql", body, "text/csv")) {
        new InputStreamReader(csv, StandardCharsets.UTF_8).transferTo(cli.out);
      }
      cli.out.flush();
      return CliError.OK;
    }
    JsonObject result = api.post("/api/v1/query/sql", body);
    JsonArray rows = result.getJsonArray("results", new JsonArray());
    if (format == Format.json) {
      cli.out.println(rows.encodePrettily());
      return CliError.OK;
    }
    List<String> columns = result.getJsonArray("columns", new JsonArray()).stream()
      .map(c -> ((JsonObject) c).getString("name")).toList();
    Table.print(cli.out, columns.isEmpty() ? Table.columns(rows) : columns, rows, cli.width());
    cli.out.println("(" + rows.size() + (rows.size() == 1 ? " row" : " rows")
      + (result.getBoolean("truncated", false) ? ", more exist: raise --limit or use --format csv" : "")
      + (result.getValue("execution_time_ms") != null ? ", " + result.getValue("execution_time_ms") + " ms" : "") + ")");
    return CliError.OK;
  }
}
