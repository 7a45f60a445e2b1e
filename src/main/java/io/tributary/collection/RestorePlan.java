package io.tributary.collection;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import io.tributary.lake.LakePaths;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a restore does, decided from the archive's manifest and the caller's current collections and datasets:
 * <ul>
 *   <li>the target name ({@code name}, else the archived collection's); when the caller has a collection of that name,
 *   409 unless {@code overwrite}, which makes the restore the collection's next version: its dataset members become
 *   the archived datasets, a member of the same name (or of the name {@code <collection>_<name>} an earlier restore
 *   gave it) getting a new version of its data;</li>
 *   <li>{@code skip_schema} loads only data into the existing collection (it implies overwrite): every archived
 *   dataset must match a member by name and columns (400 naming the first that does not);</li>
 *   <li>a new dataset keeps its archived name when the caller has no dataset of that name, else it becomes
 *   {@code <collection>_<name>} (then {@code _2}, {@code _3}, ...).</li>
 *   <li>the archived collection's member dashboards are recreated ({@link RestoredDashboards}), except with
 *   {@code skip_schema}, which loads data only.</li>
 * </ul>
 * New dataset ids derive from the job id and the entry, so a restore run again after a crash writes the same files.
 */
record RestorePlan(String name, UUID existingId, List<BackupRepository.Restored> datasets, JsonArray removed,
                   List<RestoredDashboards.Planned> dashboards) {

  /**
   * What the caller has now: the collection of the target name (or null), its dataset members, their dataset names,
   * its member dashboards.
   */
  record Current(Row collection, List<Row> members, Set<String> datasetNames, List<Row> dashboards) {
  }

  static String target(JsonObject manifest, String requested) {
    return requested != null ? CollectionRoutes.name(requested)
      : CollectionRoutes.name(manifest.getJsonObject("collection").getString("name"));
  }

  static RestorePlan of(JsonObject manifest, String name, Current current, boolean overwrite, boolean skipSchema,
                        UUID jobId, UUID ownerId) {
    if (current.collection() != null && !overwrite && !skipSchema) {
      throw new ApiException(ErrorCode.COLLECTION_EXISTS, "You already have a collection named " + name
        + "; restore with overwrite=true to make the archive its next version, or choose another name",
        new JsonObject().put("name", name).put("collection_id", current.collection().getUUID("id").toString()));
    }
    if (skipSchema && current.collection() == null) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "skip_schema loads data into an existing collection's "
        + "datasets, and you have no collection named " + name, new JsonObject().put("field", "skip_schema"));
    }
    Map<String, Row> members = current.members().stream()
      .collect(Collectors.toMap(r -> r.getString("name"), Function.identity(), (a, b) -> a));
    Set<String> taken = new HashSet<>(current.datasetNames());
    List<BackupRepository.Restored> datasets = new ArrayList<>();
    Set<String> kept = new HashSet<>();
    for (Object o : manifest.getJsonArray("datasets")) {
      JsonObject d = (JsonObject) o;
      String original = d.getValue("name") instanceof String n ? n : null;
      if (original == null || !CollectionRoutes.NAME.matcher(original).matches()
        || !manifest.getJsonObject("checksums").containsKey(d.getString("entry"))) {
        throw new ApiException(ErrorCode.INVALID_FILE, "The archive's manifest lists a dataset with an invalid name or "
          + "no checksummed entry: " + original, new JsonObject().put("dataset", String.valueOf(original)));
      }
      JsonArray schema = d.getJsonArray("schema", new JsonArray());
      // a member of the archived name, or of the name an earlier restore into this collection gave it
      Row member = members.getOrDefault(original, members.get(cut(name + "_" + original, 63)));
      if (skipSchema && (member == null || !columns(member.getJsonArray("schema")).equals(columns(schema)))) {
        throw new ApiException(ErrorCode.VALIDATION_FAILED, "skip_schema needs a dataset " + original + " with the "
          + "same columns in collection " + name + (member == null ? "; it has none" : "; its columns differ"),
          new JsonObject().put("dataset", original));
      }
      UUID id;
      String datasetName;
      if (member != null) {
        id = member.getUUID("id");
        datasetName = member.getString("name");
        kept.add(datasetName);
      } else {
        id = UUID.nameUUIDFromBytes((jobId + ":" + d.getString("entry")).getBytes(StandardCharsets.UTF_8));
        datasetName = free(original, name, taken);
      }
      taken.add(datasetName);
      JsonObject profile = d.getJsonObject("profile");
      datasets.add(new BackupRepository.Restored(id, datasetName, original,
        LakePaths.datasetFile(ownerId.toString(), id.toString(), jobId.toString()), d.getLong("row_count", 0L),
        d.getLong("size_bytes", 0L), schema, profile == null || d.getLong("row_count", 0L) == 0
        ? io.tributary.dataset.DatasetStore.emptyProfile(schema) : profile, d.getString("source_type", "parquet"),
        member != null));
    }
    JsonArray removed = new JsonArray();
    current.members().stream().filter(r -> !kept.contains(r.getString("name"))).forEach(r -> removed.add(
      new JsonObject().put("dataset_id", r.getUUID("id").toString()).put("name", r.getString("name"))));
    return new RestorePlan(name, current.collection() == null ? null : current.collection().getUUID("id"), datasets,
      removed, skipSchema ? List.of() : RestoredDashboards.plan(manifest, datasets, current.dashboards()));
  }

  /** The dry run's answer. */
  JsonObject toJson(Current current) {
    Map<String, Row> members = current.members().stream()
      .collect(Collectors.toMap(r -> r.getString("name"), Function.identity(), (a, b) -> a));
    JsonArray list = new JsonArray();
    long rows = 0;
    long bytes = 0;
    for (BackupRepository.Restored d : datasets) {
      JsonObject entry = new JsonObject().put("name", d.name()).put("original_name", d.originalName())
        .put("row_count", d.rows()).put("size_bytes", d.sizeBytes()).put("action", d.replaces() ? "replace" : "create");
      Row old = members.get(d.name());
      if (d.replaces() && old != null) {
        entry.put("replaces", new JsonObject().put("dataset_id", old.getUUID("id").toString())
          .put("row_count", old.getLong("row_count")).put("size_bytes", old.getLong("size_bytes")));
      }
      list.add(entry);
      rows += d.rows();
      bytes += d.sizeBytes();
    }
    return new JsonObject().put("dry_run", true).put("action", "restore").put("name", name)
      .put("exists", existingId != null).put("collection_id", existingId == null ? null : existingId.toString())
      .put("items", datasets.size() + dashboards.size()).put("rows", rows).put("bytes", bytes).put("datasets", list)
      .put("dashboards", new JsonArray(dashboards.stream().map(RestoredDashboards.Planned::toJson).toList()))
      .put("removed_from_collection", removed).put("conflicts", existingId == null ? new JsonArray()
        : new JsonArray().add(new JsonObject().put("type", "collection").put("name", name)
          .put("resolution", "overwrite: the archive becomes the collection's next version")));
  }

  /** Column names and types, for comparing schemas. */
  private static List<String> columns(JsonArray schema) {
    List<String> out = new ArrayList<>();
    if (schema != null) {
      schema.forEach(c -> out.add(((JsonObject) c).getString("name") + ":" + ((JsonObject) c).getString("type")));
    }
    return out;
  }

  private static String free(String original, String collection, Set<String> taken) {
    if (!taken.contains(original)) {
      return original;
    }
    String base = cut(collection + "_" + original, 63);
    String candidate = base;
    for (int n = 2; taken.contains(candidate); n++) {
      String suffix = "_" + n;
      candidate = cut(base, 63 - suffix.length()) + suffix;
    }
    return candidate;
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
