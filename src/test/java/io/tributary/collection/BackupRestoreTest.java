package io.tributary.collection;

import io.tributary.support.Api;
import io.tributary.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Backup and restore of a collection")
class BackupRestoreTest {

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  /** A user with two datasets in a described, tagged collection. */
  record Fixture(Client owner, String collectionId, String name, List<String> datasets, List<String> datasetIds) {
  }

  static Fixture fixture(Path dir) throws Exception {
    Client owner = new Client(Api.newUser("analyst", "premium"));
    StringBuilder sales = new StringBuilder("id,region,amount,sold_on,note\n");
    for (int i = 0; i < 3_000; i++) {
      sales.append(i).append(',').append(i % 4 == 0 ? "north" : "south").append(',').append(i * 1.5).append(',')
        .append("2026-0").append(1 + i % 9).append("-1").append(i % 10).append(',')
        .append(i % 7 == 0 ? "" : "n" + i).append('\n');
    }
    String a = unique("sales_");
    String b = unique("cities_");
    String aId = owner.dataset(dir, a, sales.toString());
    String bId = owner.dataset(dir, b, "city,population\nOslo,709000\nLima,10000000\nQuito,\n");
    String name = unique("col_");
    HttpResponse<Buffer> created = owner.api.post(Client.BASE, new JsonObject().put("name", name)
      .put("description", "numbers to keep").put("tags", new JsonArray().add("finance")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("collection_id");
    int v = owner.add(id, 1, "dataset", aId);
    owner.add(id, v, "dataset", bId);
    return new Fixture(owner, id, name, List.of(a, b), List.of(aId, bId));
  }

  /** Starts a backup and waits for its job; returns the backup id. */
  static String backup(Client owner, String collectionId, boolean schemaOnly) {
    HttpResponse<Buffer> r = owner.api.post(Client.BASE + "/" + collectionId + "/backup",
      new JsonObject().put("schema_only", schemaOnly));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    JsonObject job = owner.api.awaitJob(r.bodyAsJsonObject().getString("job_id"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getString("job_type")).isEqualTo("backup");
    assertThat(job.getInteger("progress")).isEqualTo(100);
    return r.bodyAsJsonObject().getString("backup_id");
  }

  /** Starts a restore of a stored backup and waits for its job. */
  static JsonObject restore(Client owner, JsonObject body) {
    HttpResponse<Buffer> r = owner.api.post(Client.BASE + "/restore", body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    return owner.api.awaitJob(r.bodyAsJsonObject().getString("job_id"));
  }

  static long count(Api api, String sql) {
    HttpResponse<Buffer> r = api.post("/api/v1/query/sql", new JsonObject().put("sql", sql));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getLong("n");
  }

  /** Same rows, as SQL sees them: the counts match and EXCEPT ALL is empty both ways. */
  static void sameRows(Api api, String original, String restored) {
    long rows = count(api, "SELECT count(*) AS n FROM " + original);
    assertThat(count(api, "SELECT count(*) AS n FROM " + restored)).isEqualTo(rows);
    assertThat(count(api, "SELECT count(*) AS n FROM (SELECT * FROM " + original + " EXCEPT ALL SELECT * FROM "
      + restored + ")")).as(original + " minus " + restored).isZero();
    assertThat(count(api, "SELECT count(*) AS n FROM (SELECT * FROM " + restored + " EXCEPT ALL SELECT * FROM "
      + original + ")")).as(restored + " minus " + original).isZero();
  }

  static byte[] download(Api api, String backupId) {
    HttpResponse<Buffer> r = api.get("/api/v1/backups/" + backupId + "/download");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/zip");
    return r.body().getBytes();
  }

  static Path appDir() {
    return TestApp.get().dataDir.resolve("app");
  }

  /** Every Parquet file of the owner's lake folder. */
  static List<Path> lakeFiles(Api api) throws IOException {
    Path dir = appDir().resolve("datasets").resolve(Client.userId(api));
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    }
  }

  @Test
  @DisplayName("a round trip restores the collection under a new name with datasets that query the same")
  void roundTrip() throws Exception {
    Fixture f = fixture(Files.createTempDirectory("backup-"));
    String backupId = backup(f.owner(), f.collectionId(), false);

    JsonObject listed = f.owner().api.get("/api/v1/backups").bodyAsJsonObject();
    assertThat(listed.getJsonArray("items")).hasSize(1);
    assertThat(listed.getValue("next_offset")).isNull();
    JsonObject b = f.owner().api.get("/api/v1/backups/" + backupId).bodyAsJsonObject();
    assertThat(b.getString("status")).isEqualTo("ready");
    assertThat(b.getString("collection_name")).isEqualTo(f.name());
    assertThat(b.getInteger("dataset_count")).isEqualTo(2);
    assertThat(b.getLong("row_count")).isEqualTo(3_003);

    // the archive: Parquet stored as it is, the manifest deflated, every entry's SHA-256 in the manifest
    Path archive = Files.createTempFile("backup-", ".zip");
    Files.write(archive, download(f.owner().api, backupId));
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      JsonObject manifest = new JsonObject(new String(zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(),
        StandardCharsets.UTF_8));
      assertThat(zip.getEntry("manifest.json").getMethod()).isEqualTo(ZipEntry.DEFLATED);
      assertThat(manifest.getInteger("format_version")).isEqualTo(1);
      assertThat(manifest.getJsonObject("collection").getString("description")).isEqualTo("numbers to keep");
      assertThat(manifest.getJsonArray("datasets")).hasSize(2);
      assertThat(manifest.getJsonArray("datasets").getJsonObject(0).getJsonObject("profile")).isNotNull();
      assertThat(manifest.getJsonObject("checksums").fieldNames()).hasSize(2);
      for (String entry : manifest.getJsonObject("checksums").fieldNames()) {
        assertThat(zip.getEntry(entry).getMethod()).as(entry).isEqualTo(ZipEntry.STORED);
        byte[] bytes = zip.getInputStream(zip.getEntry(entry)).readAllBytes();
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
          .isEqualTo(manifest.getJsonObject("checksums").getString(entry));
      }
    }

    String copy = unique("copy_");
    JsonObject job = restore(f.owner(), new JsonObject().put("backup_id", backupId).put("name", copy));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    JsonObject result = job.getJsonObject("result");
    assertThat(result.getString("name")).isEqualTo(copy);
    JsonObject restored = f.owner().read(result.getString("collection_id"));
    assertThat(restored.getString("description")).isEqualTo("numbers to keep");
    assertThat(restored.getJsonArray("tags")).containsExactly("finance");
    assertThat(restored.getInteger("item_count")).isEqualTo(2);
    assertThat(restored.getLong("row_count")).isEqualTo(3_003);
    JsonArray datasets = result.getJsonArray("datasets");
    for (int i = 0; i < 2; i++) {
      JsonObject d = datasets.getJsonObject(i);
      // the originals still exist, so the copies are named after the new collection
      assertThat(d.getString("name")).isEqualTo(copy + "_" + d.getString("original_name"));
      assertThat(f.datasetIds()).doesNotContain(d.getString("dataset_id"));
      sameRows(f.owner().api, d.getString("original_name"), d.getString("name"));
      JsonObject profile = f.owner().api.get("/api/v1/data/profile/" + d.getString("dataset_id")).bodyAsJsonObject();
      assertThat(profile.getLong("row_count")).isEqualTo(d.getLong("row_count"));
    }
    JsonArray history = f.owner().api.get(Client.BASE + "/" + result.getString("collection_id") + "/history")
      .bodyAsJsonObject().getJsonArray("items");
    assertThat(history.stream().map(e -> ((JsonObject) e).getString("action")))
      .contains("collection.created", "collection.item_added", "collection.restored");
    assertThat(CollectionEvents.replay(history.stream().map(JsonObject.class::cast).toList()))
      .isEqualTo(CollectionEvents.state(restored));

    // a deleted backup is gone, with its archive
    assertThat(f.owner().api.delete("/api/v1/backups/" + backupId).statusCode()).isEqualTo(204);
    Api.error(f.owner().api.get("/api/v1/backups/" + backupId), 404, "NOT_FOUND");
    assertThat(appDir().resolve(BackupContract.archivePath(Client.userId(f.owner().api), backupId))).doesNotExist();
  }

  @Test
  @DisplayName("a schema-only backup restores empty datasets with the same columns")
  void schemaOnly() throws Exception {
    Fixture f = fixture(Files.createTempDirectory("backup-"));
    String backupId = backup(f.owner(), f.collectionId(), true);
    assertThat(f.owner().api.get("/api/v1/backups/" + backupId).bodyAsJsonObject().getBoolean("schema_only")).isTrue();
    String copy = unique("empty_");
    JsonObject job = restore(f.owner(), new JsonObject().put("backup_id", backupId).put("name", copy));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    for (Object o : job.getJsonObject("result").getJsonArray("datasets")) {
      JsonObject d = (JsonObject) o;
      assertThat(d.getLong("row_count")).isZero();
      assertThat(count(f.owner().api, "SELECT count(*) AS n FROM " + d.getString("name"))).isZero();
      JsonObject original = datasetNamed(f.owner().api, d.getString("original_name"));
      JsonObject empty = f.owner().api.get("/api/v1/data/datasets/" + d.getString("dataset_id")).bodyAsJsonObject();
      assertThat(empty.getJsonArray("schema")).isEqualTo(original.getJsonArray("schema"));
      HttpResponse<Buffer> cols = f.owner().api.post("/api/v1/query/sql", new JsonObject()
        .put("sql", "SELECT * FROM " + d.getString("name")));
      HttpResponse<Buffer> originalCols = f.owner().api.post("/api/v1/query/sql", new JsonObject()
        .put("sql", "SELECT * FROM " + d.getString("original_name") + " LIMIT 0"));
      assertThat(cols.bodyAsJsonObject().getJsonArray("columns"))
        .isEqualTo(originalCols.bodyAsJsonObject().getJsonArray("columns"));
    }
  }

  static JsonObject datasetNamed(Api api, String name) {
    return api.get("/api/v1/data/datasets?limit=500").bodyAsJsonObject().getJsonArray("items").stream()
      .map(JsonObject.class::cast).filter(d -> name.equals(d.getString("name"))).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("a tampered archive fails its job naming the entry whose checksum mismatched, and creates nothing")
  void tampered(@TempDir Path dir) throws Exception {
    Fixture f = fixture(Files.createTempDirectory("backup-"));
    String backupId = backup(f.owner(), f.collectionId(), false);
    byte[] original = download(f.owner().api, backupId);
    String changedEntry = null;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(original));
         ZipOutputStream zip = new ZipOutputStream(out)) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] bytes = in.readAllBytes();
        if (changedEntry == null && e.getName().endsWith(".parquet")) {
          changedEntry = e.getName();
          bytes[bytes.length / 2] ^= 0x5a; // one byte in the middle of the data
        }
        zip.putNextEntry(new ZipEntry(e.getName()));
        zip.write(bytes);
        zip.closeEntry();
      }
    }
    Path tampered = dir.resolve("tampered.zip");
    Files.write(tampered, out.toByteArray());
    List<Path> before = lakeFiles(f.owner().api);
    String name = unique("tampered_");

    HttpResponse<Buffer> r = f.owner().api.multipart(Client.BASE + "/restore", Map.of("name", name), "archive", tampered);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    String jobId = r.bodyAsJsonObject().getString("job_id");
    JsonObject job = f.owner().api.awaitJob(jobId);
    assertThat(job.getString("status")).isEqualTo("failed");
    assertThat(job.getString("error")).contains("Checksum mismatch", changedEntry, "nothing was restored");

    assertThat(f.owner().api.get(Client.BASE + "?filter=" + name).bodyAsJsonObject().getJsonArray("items")).isEmpty();
    assertThat(f.owner().api.get("/api/v1/data/datasets?limit=500").bodyAsJsonObject().getJsonArray("items"))
      .hasSize(2);
    assertThat(lakeFiles(f.owner().api)).isEqualTo(before);
    assertThat(appDir().resolve("restore").resolve(jobId)).doesNotExist();
    assertThat(appDir().resolve("staging").resolve(jobId)).doesNotExist();

    // not a backup at all, or a format this server does not read: refused at once
    Path text = dir.resolve("notes.zip");
    Files.writeString(text, "not a zip");
    Api.error(f.owner().api.multipart(Client.BASE + "/restore", Map.of(), "archive", text), 400, "INVALID_FILE");
    Path future = dir.resolve("future.zip");
    rewriteManifest(original, future, m -> m.put("format_version", 99));
    JsonObject error = Api.error(f.owner().api.multipart(Client.BASE + "/restore", Map.of(), "archive", future), 400,
      "INVALID_FILE");
    assertThat(error.getString("message")).contains("format version 99");
    assertThat(f.owner().api.get(Client.BASE).bodyAsJsonObject().getJsonArray("items")).hasSize(1);
  }

  private static void rewriteManifest(byte[] archive, Path target, java.util.function.Consumer<JsonObject> change)
    throws IOException {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(archive));
         ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(target))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] bytes = in.readAllBytes();
        if (e.getName().equals("manifest.json")) {
          JsonObject m = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
          change.accept(m);
          bytes = m.encode().getBytes(StandardCharsets.UTF_8);
        }
        zip.putNextEntry(new ZipEntry(e.getName()));
        zip.write(bytes);
        zip.closeEntry();
      }
    }
  }

  @Test
  @DisplayName("a name the caller already has is 409; dry_run shows what overwrite replaces; overwrite makes a new version")
  void conflictAndOverwrite() throws Exception {
    Fixture f = fixture(Files.createTempDirectory("backup-"));
    String backupId = backup(f.owner(), f.collectionId(), false);
    JsonObject conflict = Api.error(f.owner().api.post(Client.BASE + "/restore",
      new JsonObject().put("backup_id", backupId)), 409, "COLLECTION_EXISTS");
    assertThat(conflict.getString("message")).contains(f.name(), "overwrite");

    // the collection is emptied after the backup; the dry run says what a restore over it would do
    int version = f.owner().read(f.collectionId()).getInteger("version");
    HttpResponse<Buffer> cleared = f.owner().send(HttpMethod.POST, Client.BASE + "/" + f.collectionId() + "/clear",
      version, new JsonObject());
    assertThat(cleared.statusCode()).as(cleared.bodyAsString()).isEqualTo(200);
    version = f.owner().read(f.collectionId()).getInteger("version");
    HttpResponse<Buffer> dry = f.owner().api.post(Client.BASE + "/restore", new JsonObject().put("backup_id", backupId)
      .put("overwrite", true).put("dry_run", true));
    assertThat(dry.statusCode()).as(dry.bodyAsString()).isEqualTo(200);
    JsonObject plan = dry.bodyAsJsonObject();
    assertThat(plan.getBoolean("exists")).isTrue();
    assertThat(plan.getLong("rows")).isEqualTo(3_003);
    assertThat(plan.getJsonArray("datasets").stream().map(d -> ((JsonObject) d).getString("action")))
      .containsOnly("replace");
    assertThat(plan.getJsonArray("datasets").getJsonObject(0).getJsonObject("replaces").getLong("row_count")).isZero();
    assertThat(f.owner().read(f.collectionId()).getInteger("version")).as("a dry run changes nothing").isEqualTo(version);
    assertThat(f.owner().read(f.collectionId()).getLong("row_count")).isZero();

    JsonObject job = restore(f.owner(), new JsonObject().put("backup_id", backupId).put("overwrite", true));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    JsonObject after = f.owner().read(f.collectionId());
    assertThat(after.getInteger("version")).isEqualTo(version + 1);
    assertThat(after.getLong("row_count")).isEqualTo(3_003);
    // the same datasets (ids and names), each with a new version of its data
    assertThat(after.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("id")))
      .containsExactlyInAnyOrderElementsOf(f.datasetIds());
    assertThat(count(f.owner().api, "SELECT count(*) AS n FROM " + f.datasets().get(0))).isEqualTo(3_000);
    JsonArray history = f.owner().api.get(Client.BASE + "/" + f.collectionId() + "/history?limit=500")
      .bodyAsJsonObject().getJsonArray("items");
    assertThat(CollectionEvents.replay(history.stream().map(JsonObject.class::cast).toList()))
      .isEqualTo(CollectionEvents.state(after));
  }

  @Test
  @DisplayName("another user's backup and collection answer 404 to every backup route and to restore")
  void isolation() throws Exception {
    Fixture f = fixture(Files.createTempDirectory("backup-"));
    String backupId = backup(f.owner(), f.collectionId(), false);
    Api stranger = Api.newUser("analyst", "premium");
    Api.error(stranger.get("/api/v1/backups/" + backupId), 404, "NOT_FOUND");
    Api.error(stranger.get("/api/v1/backups/" + backupId + "/download"), 404, "NOT_FOUND");
    Api.error(stranger.delete("/api/v1/backups/" + backupId), 404, "NOT_FOUND");
    Api.error(stranger.post(Client.BASE + "/restore", new JsonObject().put("backup_id", backupId)), 404, "NOT_FOUND");
    Api.error(stranger.post(Client.BASE + "/" + f.collectionId() + "/backup", new JsonObject()), 404, "NOT_FOUND");
    assertThat(stranger.get("/api/v1/backups").bodyAsJsonObject().getJsonArray("items")).isEmpty();
    Api.error(f.owner().api.post(Client.BASE + "/" + f.collectionId() + "/backup",
      new JsonObject().put("schema_only", "yes")), 400, "VALIDATION_FAILED");
    Api.error(f.owner().api.post(Client.BASE + "/restore", new JsonObject().put("backup_id", backupId)
      .put("name", "Bad Name")), 400, "INVALID_NAME");
    assertThat(f.owner().api.get("/api/v1/backups/" + backupId).statusCode()).isEqualTo(200);
    assertThat(Api.anonymous().get("/api/v1/backups").statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("an uploaded archive restores the same datasets as the stored backup")
  void fromUpload(@TempDir Path dir) throws Exception {
    Fixture f = fixture(Files.createTempDirectory("backup-"));
    String backupId = backup(f.owner(), f.collectionId(), false);
    Path archive = dir.resolve("backup.zip");
    Files.write(archive, download(f.owner().api, backupId));
    String copy = unique("uploaded_");
    Map<String, String> fields = new HashMap<>(Map.of("name", copy));
    HttpResponse<Buffer> r = f.owner().api.multipart(Client.BASE + "/restore", fields, "archive", archive);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    String jobId = r.bodyAsJsonObject().getString("job_id");
    JsonObject job = f.owner().api.awaitJob(jobId);
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    for (Object o : job.getJsonObject("result").getJsonArray("datasets")) {
      JsonObject d = (JsonObject) o;
      sameRows(f.owner().api, d.getString("original_name"), d.getString("name"));
    }
    assertThat(appDir().resolve("staging").resolve(jobId)).as("the uploaded archive is removed").doesNotExist();
  }
}
