package io.tributary.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tributary upload FILE [--name N] [--mode new|replace|append] [--append NAME]}: uploads with a progress bar,
 * then follows the job to its end (a refused append, such as a column that does not match, is exit 3).
 */
@Command(name = "upload", description = "Upload a CSV, JSON, NDJSON or Parquet file as a dataset and wait for it.")
final class UploadCommand implements Callable<Integer> {

  @ParentCommand
  private Cli cli;

  @Parameters(paramLabel = "FILE", description = "The file to upload")
  private Path file;

  @Option(names = {"-n", "--name"}, description = "The dataset name (default: from the file name)")
  private String name;

  @Option(names = "--append", paramLabel = "NAME",
    description = "Add the file's rows to your dataset NAME (same as --mode append --name NAME)")
  private String append;

  @Option(names = "--mode", paramLabel = "MODE",
    description = "new (default), replace (a new version of the dataset --name) or append (add rows to it)")
  private String mode;

  @Option(names = "--no-wait", description = "Return once the upload is accepted")
  private boolean noWait;

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new CliError(CliError.USAGE, "No such file: " + file);
    }
    if (append != null && (mode != null && !"append".equals(mode) || name != null && !name.equals(append))) {
      throw new CliError(CliError.USAGE, "--append NAME names the dataset to append to; leave out --mode and --name");
    }
    String dataset = append != null ? append : name;
    String sendMode = append != null ? "append" : mode;
    if ("append".equals(sendMode) && dataset == null) {
      throw new CliError(CliError.USAGE, "--mode append needs --name: the dataset to append to");
    }
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    if (dataset != null) {
      fields.put("name", dataset);
    }
    if (sendMode != null) {
      fields.put("mode", sendMode);
    }
    ApiClient api = cli.client();
    JsonObject accepted = Multipart.send(cli, api, "/api/v1/data/upload", fields, "file", file, "upload");
    String jobId = accepted.getString("job_id");
    if (noWait) {
      cli.out.println("Accepted: job " + jobId);
      return CliError.OK;
    }
    JsonObject job = Jobs.await(cli, api, jobId, "process");
    if ("append".equals(sendMode)) {
      JsonObject after = api.get("/api/v1/data/datasets/" + job.getString("dataset_id"));
      cli.out.println("Appended " + job.getValue("row_count") + " rows to " + dataset + ": now "
        + after.getValue("row_count") + " rows, version " + after.getValue("version") + " (job " + jobId + ")");
      return CliError.OK;
    }
    cli.out.println("Uploaded " + (name != null ? name : file.getFileName()) + ": " + job.getValue("row_count") + " rows"
      + (job.getLong("rows_rejected", 0L) > 0 ? ", " + job.getValue("rows_rejected") + " rejected" : "")
      + " (dataset " + job.getString("dataset_id") + ", job " + jobId + ")");
    return CliError.OK;
  }
}
