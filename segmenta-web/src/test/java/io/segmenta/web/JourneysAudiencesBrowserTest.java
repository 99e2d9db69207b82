package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.history.History;
import io.segmenta.core.review.Alert;
import io.segmenta.core.review.Finding;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.AsOfDefault;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Journeys, audiences and the review in Debian's Chromium over a real store and server: a marketer creates the
 * post-purchase journey from its template and activates it, adds a destination (first with a mistake shown beside its
 * field) and dry-runs it in the background, opens the Review page and a segment's membership history with its chart
 * drawn; a viewer then sees the destination without buttons and its examples masked. Screenshots of every page go to
 * target/screenshots.
 */
class JourneysAudiencesBrowserTest {
  static final List<String> SAVED = List.of("students", "travellers", "luxury-buyers");
  static final String MARKETER_PASSWORD = "marketer password 1";
  static final String VIEWER_PASSWORD = "viewer password 1";

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
    ShopGenerator.standard().generate(0, 400, 400, store.profiles()::write);
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    for (String name : SAVED) {
      segments.save(name, ExampleSegments.ALL.get(name).rule(), "");
    }
    LocalDate day = AsOfDefault.of(Instant.now(), store.profiles().stats().lastEvent()).atZone(ZoneOffset.UTC).toLocalDate();
    new History(store.segmentDefinitions(), store.membership(), store.history()).backfill("luxury-buyers", day.minusDays(90), day);
    store.alerts().raise(List.of(new Alert(Instant.now(), "travellers", Finding.Reason.TOO_SMALL, "12 members, fewer than 100")));
    Users users = Users.in(data);
    users.add("rae", Role.MARKETER, MARKETER_PASSWORD.toCharArray());
    users.add("vic", Role.VIEWER, VIEWER_PASSWORD.toCharArray());
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_journeys_1"), "admin-key-journeys", Clock.systemUTC(), data),
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
  void walk_inChromium_activatesAJourneyDryRunsADestinationAndReviews() throws Exception {
    ChromeDriver d = WebAppBrowserTest.chromium(dir);
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(120));
      signIn(d, "rae", MARKETER_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));

      // Journeys: none yet; the post-purchase template, created paused, then activated.
      d.get(base + "/journeys");
      wait.until(x -> x.getTitle().startsWith("Journeys"));
      assertFalse(d.findElements(By.id("no-journeys")).isEmpty());
      d.findElement(By.cssSelector("input[name=template][value=post_purchase]")).click();
      shot(d, "journeys-01-list");
      d.findElement(By.id("create-journey")).click();
      wait.until(x -> x.getTitle().startsWith("Journey post_purchase"));
      assertEquals("paused", d.findElement(By.id("journey-state")).getText());
      assertEquals(3, d.findElements(By.cssSelector("#flow .flow-step")).size());
      assertFalse(d.findElements(By.id("lifts")).isEmpty(), "the holdout's lift table");
      shot(d, "journeys-02-journey-paused");
      WebElement activate = d.findElement(By.id("activate"));
      activate.click();
      wait.until(ExpectedConditions.stalenessOf(activate));
      assertEquals("active", d.findElement(By.id("journey-state")).getText());
      assertTrue(d.findElement(By.cssSelector("p.notice")).getText().startsWith("journey post_purchase is active"));
      assertFalse(store.journeyLog().paused("post_purchase"));
      shot(d, "journeys-03-journey-active");

      // Audiences: add a destination; a missing key is shown beside its field, then a dry run in the background.
      d.get(base + "/destinations");
      wait.until(x -> x.getTitle().startsWith("Audiences"));
      d.findElement(By.id("add-destination")).click();
      wait.until(x -> x.getTitle().startsWith("Add a destination"));
      Path folder = Files.createDirectories(dir.resolve("files"));
      new Select(d.findElement(By.id("segment"))).selectByValue("luxury-buyers");
      new Select(d.findElement(By.id("kind"))).selectByValue("file");
      d.findElement(By.id("setting_folder")).sendKeys(folder.toString());
      d.findElement(By.id("setting_format")).sendKeys("jsonl");
      WebElement save = d.findElement(By.id("save-destination"));
      save.click();
      wait.until(ExpectedConditions.stalenessOf(save));
      assertEquals("destination key must be lower-case letters, digits, '_' or '-', got ''", d.findElement(By.id("error-key")).getText());
      assertEquals("true", d.findElement(By.id("key")).getAttribute("aria-invalid"));
      shot(d, "journeys-04-destination-form-error");
      d.findElement(By.id("key")).sendKeys("luxury-file");
      d.findElement(By.id("save-destination")).click();
      wait.until(x -> x.getTitle().startsWith("Destination luxury-file"));
      assertTrue(d.findElement(By.id("consent-purpose")).getText().startsWith("Consent purpose: analytics"));
      d.findElement(By.id("dry-run")).click();
      wait.until(x -> !x.findElements(By.id("job-result")).isEmpty());
      assertTrue(d.findElement(By.id("job-result")).getText().contains("dry run"), d.findElement(By.id("job-result")).getText());
      assertFalse(Files.exists(folder.resolve("luxury-file.jsonl")), "a dry run writes nothing");
      d.get(base + "/destinations/luxury-file");
      assertEquals("dry run", d.findElement(By.cssSelector("#runs tbody tr td")).getText(), "the run is in the history");
      shot(d, "journeys-05-destination-dry-run");
      d.get(base + "/destinations");
      wait.until(x -> x.getTitle().startsWith("Audiences"));
      assertEquals("luxury-file", d.findElement(By.cssSelector("#destinations tbody .name")).getText());
      shot(d, "journeys-06-audiences");

      // Review: the stored alert at once, findings and drift once the background review is done.
      d.get(base + "/review");
      wait.until(x -> x.getTitle().startsWith("Review"));
      assertTrue(d.findElement(By.id("alerts")).getText().contains("12 members, fewer than 100"));
      wait.until(x -> !x.findElements(By.id("drift")).isEmpty());
      assertEquals(store.segmentDefinitions().all().size(), d.findElements(By.cssSelector("#drift tbody tr")).size(), "a row per saved segment");
      shot(d, "journeys-07-review");

      // A segment's history: the backfilled sizes drawn.
      d.get(base + "/segments/luxury-buyers");
      d.findElement(By.id("history-link")).click();
      wait.until(x -> x.getTitle().startsWith("History of luxury-buyers"));
      wait.until(x -> !x.findElements(By.cssSelector("#sizes-chart svg path")).isEmpty());
      assertTrue(d.findElement(By.id("size-sources")).getText().contains("from a backfill"));
      shot(d, "journeys-08-history");

      // A viewer: the destination without buttons, the dry run's examples masked.
      d.findElement(By.cssSelector("form.logout button")).click();
      wait.until(x -> x.getCurrentUrl().endsWith("/login"));
      signIn(d, "vic", VIEWER_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.get(base + "/journeys/post_purchase");
      assertTrue(d.findElements(By.id("pause")).isEmpty(), "a viewer cannot pause");
      d.get(base + "/destinations/luxury-file");
      assertTrue(d.findElements(By.id("dry-run")).isEmpty(), "a viewer cannot run");
      shot(d, "journeys-09-destination-viewer");
    } catch (RuntimeException | AssertionError e) {
      shot(d, "journeys-failed");
      Files.writeString(SHOTS.resolve("journeys-failed.html"), d.getPageSource());
      throw e;
    } finally {
      d.quit();
    }
  }

  private static void signIn(ChromeDriver d, String name, String password) {
    d.get(base + "/login");
    WebElement n = d.findElement(By.id("name"));
    n.clear();
    n.sendKeys(name);
    d.findElement(By.id("password")).sendKeys(password);
    d.findElement(By.id("sign-in")).click();
    new WebDriverWait(d, Duration.ofSeconds(60)).until(ExpectedConditions.stalenessOf(n));
  }

  private static void shot(ChromeDriver d, String name) throws Exception {
    Files.copy(d.getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
