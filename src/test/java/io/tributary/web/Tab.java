package io.tributary.web;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What a journey does in a browser tab, the same in Chromium ({@link Browser}, Selenium) and Firefox
 * ({@link Firefox}, WebDriver BiDi). Elements are named by CSS selector; each step waits for its element to show.
 */
interface Tab {

  /** The WebDriver key code of Enter, usable inside {@link #type}. */
  String ENTER = "\uE007";
  /** The WebDriver key code of Control: held down, inside {@link #type}, until the end of the keys. */
  String CONTROL = "\uE009";

  /** Opens a path of the app (or an absolute URL). */
  void open(String pathOrUrl);

  /** The page's path and query, e.g. {@code /login?next=%2Fquery}. */
  String path();

  /** Clicks the first visible element that matches. */
  void click(String css);

  /** Types into the element after what it holds, as key presses; WebDriver key codes such as {@link #ENTER} too. */
  void type(String css, String keys);

  /** Selects all the element holds, deletes it, and types the text. */
  void replace(String css, String text);

  /** Chooses a file in a file input, as the file picker does. */
  void upload(String css, Path file);

  /** Picks the option of a select by its value. */
  void select(String css, String value);

  /** Picks the option of a select by its visible text. */
  void selectText(String css, String text);

  /** Runs a script body ({@code return ...}, with {@code arguments}) and answers its JSON-like result. */
  Object js(String script, Object... args);

  /** Waits until the first element that matches holds the words, and answers its text. */
  String textOf(String css, String contains);

  /** Waits until the condition answers something other than null or false, and answers that. */
  <T> T waitFor(Duration timeout, Supplier<T> condition);

  default <T> T waitFor(Supplier<T> condition) {
    return waitFor(Duration.ofSeconds(30), condition);
  }

  /** Saves a screenshot of the page under target/screenshots/. */
  Path screenshot(String name) throws IOException;
}
