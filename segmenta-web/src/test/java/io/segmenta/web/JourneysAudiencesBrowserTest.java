package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.history.History;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.review.Alert;
import io.segmenta.core.review.Finding;
import io.segmenta.core.value.AsOfDefault;
import io.segmenta.testkit.ShopGenerator;
import io.segmenta.web.auth.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
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

  @RegisterExtension
  static final WebFixture WEB = WebFixture.shop(400).saved(SAVED).with(store -> {
    LocalDate day = AsOfDefault.of(Instant.now(), store.profiles().stats().lastEvent()).atZone(ZoneOffset.UTC).toLocalDate();
    new History(store.segmentDefinitions(), store.membership(), store.history()).backfill("luxury-buyers", day.minusDays(90), day);
    store.alerts().raise(List.of(new Alert(Instant.now(), "travellers", Finding.Reason.TOO_SMALL, "12 members, fewer than 100")));
  }).user("rae", Role.MARKETER, MARKETER_PASSWORD).user("vic", Role.VIEWER, VIEWER_PASSWORD);

  @Test
  void walk_inChromium_activatesAJourneyDryRunsADestinationAndReviews() throws Exception {
    ChromeDriver d = WEB.chromium();
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(120));
      WEB.signIn(d, "rae", MARKETER_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));

      // Journeys: none yet; the post-purchase template, created paused, then activated.
      d.get(WEB.base() + "/journeys");
      wait.until(x -> x.getTitle().startsWith("Journeys"));
      assertFalse(d.findElements(By.id("no-journeys")).isEmpty());
      d.findElement(By.cssSelector("input[name=template][value=post_purchase]")).click();
      WebFixture.shot(d, "journeys-01-list");
      d.findElement(By.id("create-journey")).click();
      wait.until(x -> x.getTitle().startsWith("Journey post_purchase"));
      assertEquals("paused", d.findElement(By.id("journey-state")).getText());
      assertEquals(3, d.findElements(By.cssSelector("#flow .flow-step")).size());
      assertFalse(d.findElements(By.id("lifts")).isEmpty(), "the holdout's lift table");
      WebFixture.shot(d, "journeys-02-journey-paused");
      WebElement activate = d.findElement(By.id("activate"));
      activate.click();
      wait.until(ExpectedConditions.stalenessOf(activate));
      assertEquals("active", d.findElement(By.id("journey-state")).getText());
      assertTrue(d.findElement(By.cssSelector("p.notice")).getText().startsWith("journey post_purchase is active"));
      assertFalse(WEB.store().journeyLog().paused("post_purchase"));
      WebFixture.shot(d, "journeys-03-journey-active");

      // One person's path: an entry waiting at the pause (due in a month, so the active runner leaves it), looked up.
      String person = ShopGenerator.profileId(11);
      Instant now = Instant.now();
      WEB.store().journeyLog().enter(new JourneyLog.Run("post_purchase", person, 1, 1, "pause", now.plus(Duration.ofDays(30)), 0, now, now),
          new JourneyLog.StepRecord("post_purchase", person, 1, "pause", "entered", null, now));
      d.findElement(By.id("profile")).sendKeys(person);
      WebElement show = d.findElement(By.id("show-path"));
      show.click();
      wait.until(ExpectedConditions.stalenessOf(show));
      assertTrue(d.findElement(By.id("person-now")).getText().contains("at step pause (wait)"), d.findElement(By.id("person-now")).getText());
      assertEquals("pause entered", d.findElement(By.cssSelector("#path-1 tbody tr")).getText().replaceAll("^\\S+ ", "").trim());
      WebFixture.shot(d, "journeys-03b-person-path");

      // Audiences: add a destination; a missing key is shown beside its field, then a dry run in the background.
      d.get(WEB.base() + "/destinations");
      wait.until(x -> x.getTitle().startsWith("Audiences"));
      d.findElement(By.id("add-destination")).click();
      wait.until(x -> x.getTitle().startsWith("Add a destination"));
      Path folder = Files.createDirectories(WEB.dir().resolve("files"));
      new Select(d.findElement(By.id("segment"))).selectByValue("luxury-buyers");
      new Select(d.findElement(By.id("kind"))).selectByValue("file");
      d.findElement(By.id("setting_folder")).sendKeys(folder.toString());
      d.findElement(By.id("setting_format")).sendKeys("jsonl");
      WebElement save = d.findElement(By.id("save-destination"));
      save.click();
      wait.until(ExpectedConditions.stalenessOf(save));
      assertEquals("destination key must be lower-case letters, digits, '_' or '-', got ''", d.findElement(By.id("error-key")).getText());
      assertEquals("true", d.findElement(By.id("key")).getAttribute("aria-invalid"));
      WebFixture.shot(d, "journeys-04-destination-form-error");
      d.findElement(By.id("key")).sendKeys("luxury-file");
      d.findElement(By.id("save-destination")).click();
      wait.until(x -> x.getTitle().startsWith("Destination luxury-file"));
      assertTrue(d.findElement(By.id("consent-purpose")).getText().startsWith("Consent purpose: analytics"));
      d.findElement(By.id("dry-run")).click();
      wait.until(x -> !x.findElements(By.id("job-result")).isEmpty());
      assertTrue(d.findElement(By.id("job-result")).getText().contains("dry run"), d.findElement(By.id("job-result")).getText());
      assertFalse(Files.exists(folder.resolve("luxury-file.jsonl")), "a dry run writes nothing");
      d.get(WEB.base() + "/destinations/luxury-file");
      assertEquals("dry run", d.findElement(By.cssSelector("#runs tbody tr td")).getText(), "the run is in the history");
      WebFixture.shot(d, "journeys-05-destination-dry-run");
      d.get(WEB.base() + "/destinations");
      wait.until(x -> x.getTitle().startsWith("Audiences"));
      assertEquals("luxury-file", d.findElement(By.cssSelector("#destinations tbody .name")).getText());
      WebFixture.shot(d, "journeys-06-audiences");

      // Review: the stored alert at once, findings and drift once the background review is done.
      d.get(WEB.base() + "/review");
      wait.until(x -> x.getTitle().startsWith("Review"));
      assertTrue(d.findElement(By.id("alerts")).getText().contains("12 members, fewer than 100"));
      wait.until(x -> !x.findElements(By.id("drift")).isEmpty());
      assertEquals(WEB.store().segmentDefinitions().all().size(), d.findElements(By.cssSelector("#drift tbody tr")).size(), "a row per saved segment");
      WebFixture.shot(d, "journeys-07-review");

      // A segment's history: the backfilled sizes drawn.
      d.get(WEB.base() + "/segments/luxury-buyers");
      // The link is in the part htmx fills in once the segment's figures are counted (slow on a busy machine).
      wait.until(x -> !x.findElements(By.id("history-link")).isEmpty());
      d.findElement(By.id("history-link")).click();
      wait.until(x -> x.getTitle().startsWith("History of luxury-buyers"));
      wait.until(x -> !x.findElements(By.cssSelector("#sizes-chart svg path")).isEmpty());
      assertTrue(d.findElement(By.id("size-sources")).getText().contains("from a backfill"));
      WebFixture.shot(d, "journeys-08-history");

      // A viewer: the destination without buttons, the dry run's examples masked.
      WebFixture.signOut(d);
      WEB.signIn(d, "vic", VIEWER_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.get(WEB.base() + "/journeys/post_purchase");
      assertTrue(d.findElements(By.id("pause")).isEmpty(), "a viewer cannot pause");
      d.get(WEB.base() + "/destinations/luxury-file");
      assertTrue(d.findElements(By.id("dry-run")).isEmpty(), "a viewer cannot run");
      WebFixture.shot(d, "journeys-09-destination-viewer");
    } catch (RuntimeException | AssertionError e) {
      WebFixture.shot(d, "journeys-failed");
      Files.writeString(WebFixture.SHOTS.resolve("journeys-failed.html"), d.getPageSource());
      throw e;
    } finally {
      d.quit();
    }
  }
}
