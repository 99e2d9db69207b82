package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.server.Server;
import io.segmenta.testkit.ExampleSegments;
import io.segmenta.testkit.ShopGenerator;
import io.segmenta.web.auth.Role;
import io.segmenta.web.auth.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The CLV page in Debian's Chromium over a generated shop of 600 customers with three saved segments: reached from the
 * navigation, the model fitted in the background from the page's button, then the chart drawn with a bar per segment
 * and the table filled with figures. Screenshots go to target/screenshots/clv-*.png.
 */
class ClvBrowserTest {
  static final String PASSWORD = "clv password 1";
  static final List<String> SAVED = List.of("students", "families", "luxury-buyers");

  @TempDir
  static Path dir;
  static Store store;
  static Server server;
  static String base;
  static final Path SHOTS = Path.of("target", "screenshots");

  @BeforeAll
  static void start() throws Exception {
    Path data = dir.resolve("db");
    store = DuckDb.open(StoreConfig.resolve(data, "1GB", 2, Map.of()));
    ShopGenerator.standard().generate(0, 600, 600, store.profiles()::write);
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    for (String name : SAVED) {
      segments.save(name, ExampleSegments.ALL.get(name).rule(), "");
    }
    Users users = Users.in(data);
    users.add("mia", Role.MARKETER, PASSWORD.toCharArray());
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_clv_1"), "admin-key-clv", Clock.systemUTC(), data),
        List.of(new WebApp(store, users, Clock.systemUTC())));
    base = "http://127.0.0.1:" + server.port();
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void clv_fitFromThePage_drawsEachSegmentsPredictedValue() throws Exception {
    ChromeDriver d = WebAppBrowserTest.chromium(dir);
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(120));
      d.get(base + "/login");
      d.findElement(By.id("name")).sendKeys("mia");
      d.findElement(By.id("password")).sendKeys(PASSWORD);
      d.findElement(By.id("sign-in")).click();
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.findElement(By.linkText("CLV")).click();
      wait.until(x -> !x.findElements(By.id("no-clv")).isEmpty());
      shot(d, "clv-01-before-fit");

      d.findElement(By.id("clv-fit")).click();
      wait.until(x -> !x.findElements(By.cssSelector("#clv-chart svg path")).isEmpty());
      List<WebElement> rows = d.findElements(By.cssSelector("#clv tbody tr"));
      assertEquals(SAVED.size(), rows.size());
      for (WebElement r : rows) {
        String total = r.findElement(By.cssSelector("td.total")).getText();
        assertTrue(total.matches("[0-9,]+\\.[0-9]{2}") && !total.equals("0.00"), "a real total, got '" + total + "'");
      }
      assertTrue(d.findElement(By.id("clv-model")).getText().startsWith("Predictions for the next 365"), d.findElement(By.id("clv-model")).getText());
      shot(d, "clv-02-fitted");
    } finally {
      d.quit();
    }
  }

  private static void shot(ChromeDriver d, String name) throws Exception {
    Files.copy(d.getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
