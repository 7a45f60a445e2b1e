package io.tributary.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * {@code tributary collection} (alias {@code col}): collections over {@code /api/v1/collections}. Collections are
 * named on the command line and found by name; every change sends {@code If-Match} with the version of a GET just
 * before it, so a concurrent change is refused (exit 3) rather than overwritten.
 */
@Command(name = "collection", aliases = "col", description = "Work with collections.",
  subcommands = CollectionStats.class)
final class CollectionCommand {

  enum Format { table, json, yaml }

  @ParentCommand
  Cli cli;

  /** A collection and the version its GET answered with. */
  record Found(String id, JsonObject detail, String etag) {
  }

  @Command(name = "ls", description = "List your collections and those shared with you.")
  int ls(@Option(names = "--filter", paramLabel = "PATTERN", description = "Name pattern, * as wildcard") String filter,
         @Option(names = {"-f", "--format"}, defaultValue = "table", description = "table, json or yaml") Format format) {
    JsonArray items = list(filter);
    switch (format) {
      case json -> cli.out.println(items.encodePrettily());
      case yaml -> cli.out.print(Formats.yaml(items));
      default -> {
        if (items.isEmpty()) {
          cli.out.println("No collections.");
        } else {
          JsonArray rows = new JsonArray();
          items.forEach(o -> {
            JsonObject c = (JsonObject) o;
            rows.add(new JsonObject().put("name", c.getString("name")).put("items", c.getValue("item_count"))
              .put("access", c.getString("access")).put("version", c.getValue("version"))
              .put("updated", c.getString("updated_at")).put("description", c.getString("description")));
          });
          Table.print(cli.out, List.of("name", "items", "access", "version", "updated", "description"), rows, cli.width());
        }
      }
    }
    return CliError.OK;
  }

  @Command(name = "show", description = "Show a collection: its items, shares and version.")
  int show(@Parameters(paramLabel = "NAME") String name,
           @Option(names = "--schema", description = "Also show each dataset's columns") boolean schema,
           @Option(names = "--stats", description = "Also show rows and bytes per item") boolean stats) {
    Found found = find(name);
    JsonObject c = found.detail();
    cli.out.println("Collection " + c.getString("name") + " (" + found.id() + ")");
    for (String key : List.of("description", "tags", "version", "created_at", "updated_at")) {
      if (c.getValue(key) != null) {
        cli.out.println("  " + key + ": " + Table.text(c.getValue(key)));
      }
    }
    JsonArray items = items(c);
    cli.out.println("Items (" + items.size() + "):");
    if (!items.isEmpty()) {
      List<String> columns = stats ? Table.columns(items)
        : Table.columns(items).stream().filter(k -> !k.contains("size") && !k.contains("row")).toList();
      Table.print(cli.out, columns, items, cli.width());
    }
    if (schema) {
      for (Object o : items) {
        JsonObject item = (JsonObject) o;
        if ("dataset".equals(item.getString("type"))) {
          JsonObject dataset = cli.client().get("/api/v1/data/datasets/" + itemId(item));
          cli.out.println("Schema of " + dataset.getString("name", itemId(item)) + ":");
          JsonArray columns = dataset.getJsonArray("schema", new JsonArray());
          Table.print(cli.out, Table.columns(columns), columns, cli.width());
        }
      }
    }
    JsonArray shares = c.getJsonArray("shares", new JsonArray());
    if (!shares.isEmpty()) {
      cli.out.println("Shared with:");
      Table.print(cli.out, Table.columns(shares), shares, cli.width());
    }
    return CliError.OK;
  }

  @Command(name = "create", description = "Create a collection, empty, from a template, or with datasets of a schema file.")
  int create(@Parameters(paramLabel = "NAME") String name,
             @Option(names = "--from-template", paramLabel = "T", description = "A template name") String template,
             @Option(names = "--schema-file", paramLabel = "F",
               description = "JSON: {\"datasets\":[{\"name\":..., \"schema\":[{\"name\":..., \"type\":...}]}]}") Path schemaFile)
    throws IOException {
    ApiClient api = cli.client();
    JsonArray datasets = new JsonArray();
    if (schemaFile != null) {
      JsonObject spec = new JsonObject(Files.readString(schemaFile));
      datasets = spec.getJsonArray("datasets", new JsonArray());
    }
    JsonObject body = new JsonObject().put("name", name);
    if (template != null) {
      body.put("template", template);
    }
    ApiClient.Reply created = api.send("POST", "/api/v1/collections", body, Map.of());
    JsonObject collection = created.json();
    String id = id(collection);
    String etag = created.etag();
    for (Object o : datasets) {
      JsonObject spec = (JsonObject) o;
      JsonObject dataset = api.post("/api/v1/data/datasets", spec);
      ApiClient.Reply added = api.send("POST", "/api/v1/collections/" + id + "/items",
        new JsonObject().put("type", "dataset").put("id", dataset.getString("dataset_id", dataset.getString("id"))),
        etag == null ? Map.of() : Map.of("If-Match", etag));
      etag = added.etag() != null ? added.etag() : api.send("GET", "/api/v1/collections/" + id, null, Map.of()).etag();
    }
    cli.out.println("Created collection " + name + " (" + id + ")" + (datasets.isEmpty() ? ""
      : " with " + datasets.size() + " empty datasets"));
    return CliError.OK;
  }

  @Command(name = "rm", description = "Delete a collection (asks you to type yes unless --force).")
  int rm(@Parameters(paramLabel = "NAME") String name,
         @Option(names = "--force", description = "Do not ask; an admin's force also removes a protected name") boolean force,
         @Option(names = "--dry-run", description = "Only show what would be deleted") boolean dryRun) throws IOException {
    Found found = find(name);
    String path = "/api/v1/collections/" + found.id();
    if (dryRun) {
      report("Would delete", cli.client().send("DELETE", path + "?dry_run=true", null, ifMatch(found)).json());
      return CliError.OK;
    }
    if (!force) {
      JsonArray items = items(found.detail());
      cli.err.println("Delete collection " + name + ": " + items.size() + " items, " + Formats.size(bytes(items))
        + ", created " + found.detail().getString("created_at", "?") + "?");
      cli.err.print("Type yes to delete it: ");
      cli.err.flush();
      String answer = cli.in.readLine();
      if (!"yes".equals(answer == null ? null : answer.trim())) {
        throw new CliError(CliError.REFUSED, "Not deleted (you did not type yes)");
      }
    }
    cli.client().send("DELETE", path + (force ? "?force=true" : ""), null, ifMatch(found));
    cli.out.println("Deleted collection " + name);
    return CliError.OK;
  }

  @Command(name = "clear", description = "Empty the collection's datasets, keeping their schemas.")
  int clear(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--dry-run", description = "Only show what would be cleared") boolean dryRun) {
    Found found = find(name);
    JsonObject reply = cli.client().send("POST", "/api/v1/collections/" + found.id() + "/clear"
      + (dryRun ? "?dry_run=true" : ""), new JsonObject(), ifMatch(found)).json();
    report(dryRun ? "Would clear" : "Cleared", reply);
    return CliError.OK;
  }

  @Command(name = "backup", description = "Back up a collection into one archive (a job); -o downloads it.")
  int backup(@Parameters(paramLabel = "NAME") String name,
             @Option(names = "--schema-only", description = "Schemas and metadata, no data") boolean schemaOnly,
             @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to save the archive") Path output)
    throws IOException {
    ApiClient api = cli.client();
    Found found = find(name);
    JsonObject accepted = api.post("/api/v1/collections/" + found.id() + "/backup",
      new JsonObject().put("schema_only", schemaOnly));
    JsonObject job = Jobs.await(cli, api, accepted.getString("job_id"), "backup");
    JsonObject result = job.getJsonObject("result", new JsonObject());
    String backupId = result.getString("backup_id", accepted.getString("backup_id"));
    if (output != null && backupId != null) {
      try (InputStream archive = api.stream("GET", "/api/v1/backups/" + backupId + "/download", null, "*/*")) {
        Files.copy(archive, output, StandardCopyOption.REPLACE_EXISTING);
      }
      cli.out.println("Backup " + backupId + " of " + name + " saved to " + output + " (" + Formats.size(Files.size(output)) + ")");
    } else {
      cli.out.println("Backup " + backupId + " of " + name + " done");
    }
    return CliError.OK;
  }

  @Command(name = "restore", description = "Restore a collection from a backup archive (a job).")
  int restore(@Parameters(paramLabel = "FILE") Path file,
              @Option(names = "--name", paramLabel = "N", description = "Restore under this name") String name,
              @Option(names = "--skip-schema", description = "Load data only, into the same-named datasets of the "
                + "existing collection") boolean skipSchema,
              @Option(names = "--overwrite", description = "Make the archive the existing collection's next version")
              boolean overwrite,
              @Option(names = "--dry-run", description = "Only show what the restore would create or replace")
              boolean dryRun) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new CliError(CliError.USAGE, "No such file: " + file);
    }
    ApiClient api = cli.client();
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    if (name != null) {
      fields.put("name", name);
    }
    fields.put("skip_schema", Boolean.toString(skipSchema));
    fields.put("overwrite", Boolean.toString(overwrite));
    fields.put("dry_run", Boolean.toString(dryRun));
    JsonObject accepted = Multipart.send(cli, api, "/api/v1/collections/restore", fields, "archive", file, "upload");
    if (dryRun) {
      report("Would restore", accepted);
      return CliError.OK;
    }
    JsonObject result = Jobs.await(cli, api, accepted.getString("job_id"), "restore")
      .getJsonObject("result", new JsonObject());
    JsonArray datasets = result.getJsonArray("datasets", new JsonArray());
    cli.out.println("Restored collection " + result.getString("name", accepted.getString("name")) + " ("
      + result.getString("collection_id") + ", version " + result.getInteger("version") + ") with " + datasets.size()
      + " datasets and " + result.getJsonArray("dashboards", new JsonArray()).size() + " dashboards");
    if (!datasets.isEmpty()) {
      Table.print(cli.out, List.of("name", "original_name", "row_count", "replaced"), datasets, cli.width());
    }
    return CliError.OK;
  }

  /** The collections, optionally filtered by name pattern (every page). */
  JsonArray list(String filter) {
    JsonArray all = new JsonArray();
    Integer offset = 0;
    while (offset != null) {
      JsonObject page = cli.client().get("/api/v1/collections?offset=" + offset
        + (filter == null ? "" : "&filter=" + ApiClient.encode(filter)));
      all.addAll(page.getJsonArray("items", new JsonArray()));
      offset = page.getInteger("next_offset");
    }
    return all;
  }

  /** The collection of that name with its version; exit 2 when there is none. */
  Found find(String name) {
    JsonObject match = list(name).stream().map(JsonObject.class::cast).filter(c -> name.equals(c.getString("name")))
      .findFirst().orElseThrow(() -> new CliError(CliError.NOT_FOUND, "No collection named " + name));
    String id = id(match);
    ApiClient.Reply detail = cli.client().send("GET", "/api/v1/collections/" + id, null, Map.of());
    return new Found(id, detail.json(), detail.etag());
  }

  static String id(JsonObject collection) {
    return collection.getString("collection_id");
  }

  /** The members of a collection's detail ({@code GET /api/v1/collections/{id}}). */
  static JsonArray items(JsonObject collection) {
    return collection.getJsonArray("members", new JsonArray());
  }

  static long bytes(JsonArray items) {
    return items.stream().mapToLong(o -> ((JsonObject) o).getLong("size_bytes", 0L)).sum();
  }

  private static String itemId(JsonObject item) {
    return item.getString("id");
  }

  private static Map<String, String> ifMatch(Found found) {
    return found.etag() == null ? Map.of() : Map.of("If-Match", found.etag());
  }

  private void report(String what, JsonObject reply) {
    cli.out.println(what + ":");
    cli.out.print(Formats.yaml(reply));
  }
}
