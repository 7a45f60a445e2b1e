package io.tributary.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code tributary}, the command line ({@code java -jar tributary.jar cli ...}, or {@code bin/tributary}). It talks to
 * the REST API only. Exit codes: 0 ok, 1 usage, 2 not found, 3 conflict or refused, 4 server or network error.
 */
@Command(name = "tributary", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "tributary 1.0",
  description = "Work with a Tributary server from the shell.",
  subcommands = {LoginCommand.class, UploadCommand.class, QueryCommand.class, SearchCommand.class,
    StreamCommand.class, CollectionCommand.class},
  footer = {"", "Exit codes: 0 ok, 1 usage, 2 not found, 3 conflict or refused, 4 server or network error.",
    "Server and token: TRIBUTARY_URL and TRIBUTARY_TOKEN, else what tributary login stored."})
public final class Cli {

  final Map<String, String> env;
  final BufferedReader in;
  final PrintWriter out;
  final PrintWriter err;
  final CliConfig config;

  Cli(Map<String, String> env, InputStream in, PrintWriter out, PrintWriter err) {
    this.env = env;
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.out = out;
    this.err = err;
    this.config = new CliConfig(env);
  }

  /** Runs the command line in this process and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.in, System.out, System.err));
  }

  /** Runs one command; returns its exit code (used by {@link #main} and by tests, with their own streams). */
  public static int run(String[] args, Map<String, String> env, InputStream in, OutputStream out, OutputStream err) {
    PrintWriter o = writer(out);
    PrintWriter e = writer(err);
    try {
      CommandLine cli = new CommandLine(new Cli(env, in, o, e)).setOut(o).setErr(e)
        .setExecutionExceptionHandler((ex, line, parsed) -> {
          if (ex instanceof CliError error) {
            e.println("error: " + error.getMessage());
            return error.exitCode();
          }
          e.println("error: " + ex);
          return CliError.SERVER;
        })
        .setParameterExceptionHandler((ex, args1) -> {
          e.println("error: " + ex.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, e);
          e.println("See '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return CliError.USAGE;
        });
      return cli.execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  /** The client of the configured server with the configured token. */
  ApiClient client() {
    return new ApiClient(config.url(), config.token());
  }

  int width() {
    return Table.width(env);
  }

  private static PrintWriter writer(OutputStream stream) {
    return stream instanceof PrintStream ps ? new PrintWriter(ps, true)
      : new PrintWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
  }
}
