package io.tributary.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tributary stream send NAME FILE}: NDJSON records into a stream over HTTP, in requests of bounded size. */
@Command(name = "stream", description = "Work with streams.", subcommands = StreamCommand.Send.class)
final class StreamCommand {

  @ParentCommand
  Cli cli;

  @Command(name = "send", description = "Send the records of an NDJSON file (one JSON object per line) to a stream.")
  static final class Send implements Callable<Integer> {

    @ParentCommand
    private StreamCommand parent;

    @Parameters(index = "0", paramLabel = "NAME", description = "The stream")
    private String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "NDJSON records")
    private Path file;

    @Option(names = "--batch-bytes", defaultValue = "4194304", description = "Bytes per request (default: ${DEFAULT-VALUE})")
    private int batchBytes;

    @Override
    public Integer call() throws IOException {
      Cli cli = parent.cli;
      if (!Files.isRegularFile(file)) {
        throw new CliError(CliError.USAGE, "No such file: " + file);
      }
      ApiClient api = cli.client();
      String path = "/api/v1/streams/" + ApiClient.encode(name) + "/events";
      long size = Files.size(file);
      Progress bar = new Progress(cli.err, "send");
      long accepted = 0;
      long sentBytes = 0;
      JsonArray rejected = new JsonArray();
      try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        StringBuilder batch = new StringBuilder();
        int firstLine = 1;
        int lineNo = 0;
        for (String line; (line = lines.readLine()) != null; ) {
          lineNo++;
          batch.append(line).append('\n');
          if (batch.length() >= batchBytes) {
            accepted += send(api, path, batch, firstLine, rejected);
            sentBytes += batch.length();
            bar.show((int) (sentBytes * 100 / Math.max(1, size)), accepted + " records");
            batch.setLength(0);
            firstLine = lineNo + 1;
          }
        }
        if (batch.length() > 0) {
          accepted += send(api, path, batch, firstLine, rejected);
        }
        bar.show(100, accepted + " records");
      } finally {
        bar.done();
      }
      cli.out.println("Sent " + accepted + " records to " + name + (rejected.isEmpty() ? "" : "; " + rejected.size()
        + " rejected"));
      rejected.forEach(r -> cli.err.println("line " + ((JsonObject) r).getInteger("line") + ": "
        + ((JsonObject) r).getString("error")));
      if (!rejected.isEmpty()) {
        throw new CliError(CliError.REFUSED, rejected.size() + " lines were not JSON objects (listed above); the other "
          + "records were sent");
      }
      return CliError.OK;
    }

    /** Sends one request; returns the records accepted and adds its rejections with their line in the file. */
    private static long send(ApiClient api, String path, StringBuilder batch, int firstLine, JsonArray rejected) {
      byte[] body = batch.toString().getBytes(StandardCharsets.UTF_8);
      JsonObject reply = api.sendRaw("POST", path, "application/x-ndjson", () -> new ByteArrayInputStream(body),
        body.length).json();
      reply.getJsonArray("rejected", new JsonArray()).forEach(r -> {
        JsonObject rejection = (JsonObject) r;
        rejected.add(rejection.copy().put("line", rejection.getInteger("line") + firstLine - 1));
      });
      return reply.getLong("accepted", 0L);
    }
  }
}
