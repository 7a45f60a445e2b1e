package io.tributary.web;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Collectors;

/**
 * Debian's Chromium driven by its chromedriver (headless, a fresh profile), with the waits, screenshots and
 * script calls the browser tests use.
 */
final class Browser implements Tab, AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  final WebDriver driver;
  private final Path profile;
  private final String base;

  Browser(String base) throws IOException {
    this.base = base;
    profile = Files.createTempDirectory("tributary-chromium-");
    Files.createDirectories(SCREENSHOTS);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
      "--user-data-dir=" + profile, "--window-size=1366,1000", "--lang=en-US");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
  }

  static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  @Override
  public void open(String pathOrUrl) {
    driver.get(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
  }

  @Override
  public String path() {
    return driver.getCurrentUrl().substring(base.length());
  }

  WebElement find(String css) {
    return until(d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
  }

  @Override
  public void click(String css) {
    find(css).click();
  }

  @Override
  public void type(String css, String keys) {
    find(css).sendKeys(keys);
  }

  @Override
  public void replace(String css, String text) {
    WebElement element = find(css);
    element.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    element.sendKeys(text);
  }

  @Override
  public void select(String css, String value) {
    new Select(find(css)).selectByValue(value);
  }

  @Override
  public void selectText(String css, String text) {
    new Select(find(css)).selectByVisibleText(text);
  }

  @Override
  public void upload(String css, Path file) {
    find(css).sendKeys(file.toAbsolutePath().toString());
  }

  @Override
  public <T> T waitFor(Duration timeout, Supplier<T> condition) {
    return until(timeout, d -> condition.get());
  }

  <T> T until(ExpectedCondition<T> condition) {
    return until(Duration.ofSeconds(30), condition);
  }

  <T> T until(Duration timeout, ExpectedCondition<T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
      .ignoring(StaleElementReferenceException.class).until(condition);
  }

  @Override
  public String textOf(String css, String contains) {
    return until(d -> {
      var found = d.findElements(By.cssSelector(css));
      return found.isEmpty() || !found.get(0).getText().contains(contains) ? null : found.get(0).getText();
    });
  }

  @Override
  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  Object jsAsync(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Saves a screenshot of the page as target/screenshots/{name}.png. */
  @Override
  public Path screenshot(String name) throws IOException {
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  /** What the page wrote to its console since the last call (kept with the screenshots when a step fails). */
  String console() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString)
      .collect(Collectors.joining("\n"));
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
