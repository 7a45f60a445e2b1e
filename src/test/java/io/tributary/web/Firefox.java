package io.tributary.web;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Firefox ESR, headless with a fresh profile, driven over WebDriver BiDi, which it speaks natively (no
 * geckodriver): real pointer and key input, file inputs set as a file picker would, scripts for what the page holds.
 */
final class Firefox implements Tab, AutoCloseable {

  static final Path FIREFOX = Path.of("/usr/bin/firefox-esr");
  private static final String MODIFIERS = "\uE008\uE009\uE00A\uE03D";
  private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
  /** BiDi only (no CDP), no first-run pages, no update or telemetry traffic; downloads saved without asking. */
  private static final String USER_JS = """
    user_pref("remote.active-protocols", 1);
    user_pref("browser.shell.checkDefaultBrowser", false);
    user_pref("browser.startup.homepage_override.mstone", "ignore");
    user_pref("browser.aboutwelcome.enabled", false);
    user_pref("datareporting.policy.dataSubmissionEnabled", false);
    user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
    user_pref("app.update.disabledForTesting", true);
    user_pref("app.normandy.enabled", false);
    user_pref("messaging-system.rsexperimentloader.enabled", false);
    user_pref("network.captive-portal-service.enabled", false);
    user_pref("network.connectivity-service.enabled", false);
    user_pref("intl.accept_languages", "en-US");
    user_pref("browser.download.folderList", 2);
    user_pref("browser.download.useDownloadDir", true);
    user_pref("browser.download.always_ask_before_handling_new_types", false);
    user_pref("browser.download.start_downloads_in_tmp_dir", false);
    user_pref("pdfjs.disabled", true);
    """;

  private final String base;
  private final Path profile;
  private final Path downloads;
  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final Queue<String> console = new ConcurrentLinkedQueue<>();
  private final BiDi bidi;
  private final String context;

  Firefox(String base) throws Exception {
    this.base = base;
    profile = Files.createTempDirectory("tributary-firefox-");
    downloads = Files.createDirectories(profile.resolve("downloads"));
    Files.writeString(profile.resolve("user.js"), USER_JS
      + "user_pref(\"browser.download.dir\", \"" + downloads.toAbsolutePath() + "\");\n");
    Files.createDirectories(Browser.SCREENSHOTS);
    ProcessBuilder builder = new ProcessBuilder(FIREFOX.toString(), "--headless", "--remote-debugging-port=0",
      "--profile", profile.toString(), "--no-remote", "about:blank").redirectErrorStream(true);
    builder.environment().put("MOZ_CRASHREPORTER_DISABLE", "1");
    process = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "firefox-stop"));
    bidi = BiDi.connect(URI.create(endpoint() + "/session"), this::event);
    bidi.send("session.new", new JsonObject().put("capabilities", new JsonObject()));
    bidi.send("session.subscribe", new JsonObject().put("events", new JsonArray().add("log.entryAdded")));
    context = bidi.send("browsingContext.getTree", new JsonObject().put("maxDepth", 0))
      .getJsonArray("contexts").getJsonObject(0).getString("context");
    bidi.send("browsingContext.setViewport", new JsonObject().put("context", context)
      .put("viewport", new JsonObject().put("width", 1366).put("height", 1000)));
  }

  static boolean available() {
    return Files.isExecutable(FIREFOX);
  }

  /** Reads Firefox's output until it names its BiDi address, and keeps reading it (into {@link #output}). */
  private String endpoint() throws Exception {
    CompletableFuture<String> address = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          output.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            address.complete(m.group(1));
          }
        }
      } catch (IOException e) {
        address.completeExceptionally(e);
      }
      address.completeExceptionally(new IllegalStateException("Firefox exited before listening:\n" + output));
    }, "firefox-output");
    reader.setDaemon(true);
    reader.start();
    return address.get(60, TimeUnit.SECONDS);
  }

  private void event(JsonObject message) {
    if ("log.entryAdded".equals(message.getString("method"))) {
      JsonObject entry = message.getJsonObject("params");
      console.add(entry.getString("level") + " " + entry.getString("type") + ": " + entry.getString("text"));
    }
  }

  @Override
  public void open(String pathOrUrl) {
    bidi.send("browsingContext.navigate", new JsonObject().put("context", context)
      .put("url", pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl).put("wait", "complete"));
  }

  @Override
  public String path() {
    return ((String) js("return location.href")).substring(base.length());
  }

  @Override
  public void click(String css) {
    JsonObject element = element(css);
    JsonArray steps = new JsonArray()
      .add(new JsonObject().put("type", "pointerMove").put("x", 0).put("y", 0)
        .put("origin", new JsonObject().put("type", "element").put("element", element)))
      .add(new JsonObject().put("type", "pointerDown").put("button", 0))
      .add(new JsonObject().put("type", "pointerUp").put("button", 0));
    perform(new JsonObject().put("type", "pointer").put("id", "mouse")
      .put("parameters", new JsonObject().put("pointerType", "mouse")).put("actions", steps));
  }

  @Override
  public void type(String css, String keys) {
    focus(css);
    keys(keys);
  }

  @Override
  public void replace(String css, String text) {
    focus(css);
    keys(Tab.CONTROL + "a");
    keys("\uE017" + text);
  }

  @Override
  public void select(String css, String value) {
    pick(css, value, false);
  }

  @Override
  public void selectText(String css, String text) {
    pick(css, text, true);
  }

  /** Picks an option as a keyboard or mouse choice would: the select's value, then its input and change events. */
  private void pick(String css, String option, boolean byText) {
    waitFor(() -> js("const el = document.querySelector(arguments[0]);"
      + "const o = el && [...el.options].find(o => arguments[2] ? o.text.trim() === arguments[1] : o.value === arguments[1]);"
      + "if (!o) return false;"
      + "el.focus(); el.value = o.value;"
      + "el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));"
      + "return true;", css, option, byText));
  }

  @Override
  public void upload(String css, Path file) {
    bidi.send("input.setFiles", new JsonObject().put("context", context).put("element", element(css))
      .put("files", new JsonArray().add(file.toAbsolutePath().toString())));
  }

  /**
   * Runs the script body as a function of {@code arguments} (JSON values), awaiting it when it returns a promise;
   * answers its result through JSON: objects as maps, arrays as lists, whole numbers as Long.
   */
  @Override
  public Object js(String script, Object... args) {
    JsonObject value = call("async (args) => JSON.stringify(await (function () {" + script + "\n}).apply(null, JSON.parse(args)))",
      new JsonObject().put("type", "string").put("value", new JsonArray(Arrays.asList(args)).encode()));
    return value.getValue("value") == null ? null : plain(Json.decodeValue(value.getString("value")));
  }

  @Override
  public String textOf(String css, String contains) {
    return waitFor(() -> {
      String text = (String) js("const el = document.querySelector(arguments[0]); return el ? el.innerText : null;", css);
      return text != null && text.contains(contains) ? text : null;
    });
  }

  @Override
  public <T> T waitFor(Duration timeout, Supplier<T> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = condition.get();
        if (value != null && !Boolean.FALSE.equals(value)) {
          return value;
        }
      } catch (BiDi.Failure e) {
        last = e;
      }
      sleep();
    }
    String at;
    try {
      at = base + path();
    } catch (RuntimeException e) {
      at = "a page that does not answer: " + e.getMessage();
    }
    throw new AssertionError("Firefox: the page did not get there in " + timeout + " (at " + at + ")", last);
  }

  /** Saves a screenshot of the page as target/screenshots/firefox-{name}.png. */
  @Override
  public Path screenshot(String name) throws IOException {
    String png = bidi.send("browsingContext.captureScreenshot", new JsonObject().put("context", context)).getString("data");
    Path file = Browser.SCREENSHOTS.resolve("firefox-" + name + ".png");
    Files.write(file, Base64.getDecoder().decode(png));
    return file;
  }

  /** Waits until Firefox has saved a download whose name ends so (nothing still in progress), and answers it. */
  Path downloaded(String suffix) {
    return waitFor(Duration.ofSeconds(60), () -> {
      try (var files = Files.list(downloads)) {
        List<Path> all = files.toList();
        boolean busy = all.stream().anyMatch(f -> f.toString().endsWith(".part"));
        return busy ? null : all.stream().filter(f -> f.getFileName().toString().endsWith(suffix) && f.toFile().length() > 0)
          .findFirst().orElse(null);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** What the page wrote to its console, and its uncaught errors, since the last call. */
  List<String> console() {
    List<String> out = new ArrayList<>();
    for (String line = console.poll(); line != null; line = console.poll()) {
      out.add(line);
    }
    return out;
  }

  /** The first visible element that matches, scrolled into view, as a BiDi shared reference. */
  private JsonObject element(String css) {
    return waitFor(() -> {
      JsonObject node = call("(css) => { const el = [...document.querySelectorAll(css)].find(e => e.checkVisibility());"
        + " el?.scrollIntoView({block: 'center', inline: 'center'}); return el; }",
        new JsonObject().put("type", "string").put("value", css));
      return "node".equals(node.getString("type")) ? new JsonObject().put("sharedId", node.getString("sharedId")) : null;
    });
  }

  /** Focuses the element with the caret after what it holds, as a click at its end would. */
  private void focus(String css) {
    call("(el) => { el.focus(); try { el.setSelectionRange(el.value.length, el.value.length); } catch { /* not text */ } }",
      element(css));
  }

  /** Presses each key in turn; a modifier (Shift, Control, Alt, Meta) stays down until the end, as in WebDriver. */
  private void keys(String text) {
    JsonArray presses = new JsonArray();
    List<String> held = new ArrayList<>();
    text.codePoints().mapToObj(Character::toString).forEach(k -> {
      presses.add(key("keyDown", k));
      if (MODIFIERS.contains(k)) {
        held.add(k);
      } else {
        presses.add(key("keyUp", k));
      }
    });
    held.forEach(k -> presses.add(key("keyUp", k)));
    perform(new JsonObject().put("type", "key").put("id", "keyboard").put("actions", presses));
  }

  private static JsonObject key(String type, String value) {
    return new JsonObject().put("type", type).put("value", value);
  }

  private void perform(JsonObject source) {
    bidi.send("input.performActions", new JsonObject().put("context", context).put("actions", new JsonArray().add(source)));
  }

  /** Calls a function in the page with BiDi arguments; answers the result's remote value, or throws the page's error. */
  private JsonObject call(String function, JsonObject... args) {
    JsonObject reply = bidi.send("script.callFunction", new JsonObject().put("functionDeclaration", function)
      .put("arguments", new JsonArray(List.of((Object[]) args))).put("awaitPromise", true)
      .put("target", new JsonObject().put("context", context)).put("resultOwnership", "none"));
    if (!"success".equals(reply.getString("type"))) {
      throw new BiDi.Failure("script error: " + reply.getJsonObject("exceptionDetails", new JsonObject()).getString("text"));
    }
    return reply.getJsonObject("result");
  }

  private static Object plain(Object value) {
    if (value instanceof JsonObject o) {
      return plain(o.getMap());
    }
    if (value instanceof JsonArray a) {
      return plain(a.getList());
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put((String) k, plain(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      return l.stream().map(Firefox::plain).toList();
    }
    return value instanceof Integer i ? Long.valueOf(i) : value;
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      bidi.send("browser.close", new JsonObject());
    } catch (RuntimeException e) {
      process.destroy();
    } finally {
      bidi.close();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Files.writeString(Browser.SCREENSHOTS.resolve("firefox-process.log"), output);
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
