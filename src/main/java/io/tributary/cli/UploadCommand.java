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

/** {@code tributary upload FILE [--name N]}: uploads with a progress bar, then follows the job to its end. */
@Command(name = "upload", description = "Upload a CSV, JSON, NDJSON or Parquet file as a dataset and wait for it.")
final class UploadCommand implements Callable<Integer> {

  @ParentCommand
  private Cli cli;

  @Parameters(paramLabel = "FILE", description = "The file to upload")
  private Path file;

  @Option(names = {"-n", "--name"}, description = "The dataset name (default: from the file name)")
  private String name;

  @Option(names = "--no-wait", description = "Return once the upload is accepted")
  private boolean noWait;

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new CliError(CliError.USAGE, "No such file: " + file);
    }
    ApiClient api = cli.client();
    JsonObject accepted = Multipart.send(cli, api, "/api/v1/data/upload", name == null ? Map.of() : Map.of("name", name),
      "file", file, "upload");
    String jobId = accepted.getString("job_id");
    if (noWait) {
      cli.out.println("Accepted: job " + jobId);
      return CliError.OK;
    }
    JsonObject job = Jobs.await(cli, api, jobId, "process");
    cli.out.println("Uploaded " + (name != null ? name : file.getFileName()) + ": " + job.getValue("row_count") + " rows"
      + (job.getLong("rows_rejected", 0L) > 0 ? ", " + job.getValue("rows_rejected") + " rejected" : "")
      + " (dataset " + job.getString("dataset_id") + ", job " + jobId + ")");
    return CliError.OK;
  }
}
