package dev.parley.it.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium (Debian packages chromium and chromium-driver), driven through
 * its own chromedriver: nothing is downloaded, and each browser gets a fresh profile.
 */
public final class Chromium implements AutoCloseable {
  static final String BROWSER = System.getProperty("parley.chromium", "/usr/bin/chromium");
  static final String DRIVER = System.getProperty("parley.chromedriver", "/usr/bin/chromedriver");

  private final Path profile;
  private final ChromeDriver driver;

  private Chromium(Path profile, ChromeDriver driver) {
    this.profile = profile;
    this.driver = driver;
  }

  static Chromium start() {
    return start(new String[0]);
  }

  /** A fresh headless Chromium with {@code extraArgs} (such as fake media devices). */
  public static Chromium start(String... extraArgs) {
    for (String f : new String[] {BROWSER, DRIVER}) {
      if (!new File(f).canExecute()) {
        throw new IllegalStateException(f + " is missing: the web e2e tests need the Debian packages chromium and "
            + "chromium-driver (apt-get install chromium chromium-driver)");
      }
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("parley-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--window-size=1200,800", "--user-data-dir=" + profile);
    options.addArguments(extraArgs);
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return new Chromium(profile, driver);
  }

  public ChromeDriver driver() {
    return driver;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> walk = Files.walk(profile)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // the profile is in the temp directory; a leftover does no harm
      }
    }
  }
}
