package io.tributary.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.Console;
import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code tributary login}: signs in and stores the server and token for the next commands (mode 0600). */
@Command(name = "login", description = "Sign in and store the token in the user's config directory (mode 0600).")
final class LoginCommand implements Callable<Integer> {

  @ParentCommand
  private Cli cli;

  @Option(names = "--url", description = "The server (default: TRIBUTARY_URL, the stored one, or http://localhost:8080)")
  private String url;

  @Option(names = {"-e", "--email"}, description = "Your email (asked when absent)")
  private String email;

  @Option(names = "--password-stdin", description = "Read the password from the first line of stdin")
  private boolean passwordStdin;

  @Option(names = "--token", description = "Store this token (or API key) instead of signing in")
  private String token;

  @Override
  public Integer call() throws IOException {
    String server = url != null ? strip(url) : cli.config.url();
    String stored = token;
    if (stored == null) {
      String who = email != null ? email : ask("Email: ");
      String password = passwordStdin ? cli.in.readLine() : secret();
      if (who == null || who.isBlank() || password == null || password.isEmpty()) {
        throw new CliError(CliError.USAGE, "An email and a password are needed (or --token)");
      }
      JsonObject reply = new ApiClient(server, null).post("/api/v1/auth/login",
        new JsonObject().put("email", who.trim()).put("password", password));
      stored = reply.getString("token");
    }
    cli.config.save(server, stored);
    cli.out.println("Logged in to " + server + "; token stored in " + cli.config.file());
    return CliError.OK;
  }

  private String ask(String prompt) throws IOException {
    cli.err.print(prompt);
    cli.err.flush();
    return cli.in.readLine();
  }

  private String secret() throws IOException {
    Console console = System.console();
    if (console != null) {
      char[] password = console.readPassword("Password: ");
      return password == null ? null : new String(password);
    }
    return ask("Password: ");
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
