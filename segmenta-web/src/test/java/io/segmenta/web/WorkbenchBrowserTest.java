package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.personalize.json.PlacementJson;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.survey.Surveys;
import io.segmenta.testkit.ShopGenerator;
import io.segmenta.web.auth.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The workbench pages in Debian's Chromium over a real store (a generated shop of 600 customers, saved segments, survey
 * answers, a placement, a real-time segment with this week's changes) and a real server on loopback: Home's figures and
 * this week's changes, Value's bubbles, a cluster proposal run in the background and one cluster saved as a segment,
 * lookalike tiers saved as a segment, conversions, surveys, a personalization preview, a write key made, used and
 * revoked; a viewer refused the marketer's pages and masked on the personalization preview. Every chart is checked
 * drawn (its SVG has paths); a screenshot of every page visited goes to target/screenshots/workbench-*.png.
 */
class WorkbenchBrowserTest {
  static final int CUSTOMERS = 600;
  static final String ADMIN_PASSWORD = "admin password 1";
  static final String VIEWER_PASSWORD = "viewer password 1";
  static final List<String> SAVED = List.of("students", "travellers", "luxury-buyers", "families");

  @RegisterExtension
  static final WebFixture WEB = WebFixture.shop(CUSTOMERS).saved(SAVED).with(store -> {
    WebFixture.segments(store).save("buyers", "count(order) >= 1", "");
    Instant last = store.profiles().stats().lastEvent();
    List<Surveys.Answer> answers = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i += 3) {
      answers.add(new Surveys.Answer(i, "profile", ShopGenerator.profileId(i), "Would recommend", i % 2 == 0 ? "yes" : "no", last.minusSeconds(86_400), null));
    }
    Surveys.importAnswers(store.catalog(), store.profiles(), store.consent(), answers, "test");
    store.placementDefinitions().save(PlacementJson.parse("""
        {"key": "home_hero", "strategy": "first_match",
         "contents": [{"key": "buyer_offer", "rule": "segment \\"buyers\\"", "payload": {"headline": "Welcome back"}, "recommendations": 3}],
         "fallback": {"key": "default", "payload": {"headline": "New season"}}}
        """));
    store.membership().setRealtime("students", true);
    store.membership().recordMembershipChanges(List.of(
        new MembershipChange(ShopGenerator.profileId(1), "students", true, last.minusSeconds(3 * 86_400), "test"),
        new MembershipChange(ShopGenerator.profileId(2), "students", true, last.minusSeconds(2 * 86_400), "test"),
        new MembershipChange(ShopGenerator.profileId(3), "students", false, last.minusSeconds(86_400), "test")));
  }).user("ann", Role.ADMIN, ADMIN_PASSWORD).user("vic", Role.VIEWER, VIEWER_PASSWORD);

  @Test
  void walk_inChromium_everyWorkbenchPageDrawsAndSaves() throws Exception {
    ChromeDriver d = WEB.chromium();
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(120));
      WEB.signIn(d, "ann", ADMIN_PASSWORD);

      // Home: the figures and this week's changes fill in; both charts drawn.
      drawn(wait, "trend-chart");
      assertEquals(String.format("%,d", CUSTOMERS), d.findElement(By.id("customers")).getText());
      drawn(wait, "moves-chart");
      assertEquals(List.of("students", "2", "1"), d.findElements(By.cssSelector("#moves tbody tr th, #moves tbody tr td")).stream()
          .map(WebElement::getText).toList());
      WebFixture.shot(d, "workbench-01-home");

      // Value: bubbles, ranked table of every saved segment.
      d.findElement(By.linkText("Value")).click();
      drawn(wait, "value-chart");
      assertEquals(SAVED.size() + 1, d.findElements(By.cssSelector("#ranking tbody tr")).size());
      assertTrue(d.findElements(By.cssSelector("#value-chart svg path")).size() > SAVED.size(), "a bubble per segment");
      WebFixture.shot(d, "workbench-02-value");

      // Clusters: propose in the background, then save cluster 1 in one click; a bad name gets the API's message.
      d.findElement(By.linkText("Clusters")).click();
      wait.until(x -> x.getTitle().startsWith("Clusters"));
      new Select(d.findElement(By.id("k"))).selectByValue("3");
      d.findElement(By.id("propose-button")).click();
      assertTrue(d.findElement(By.cssSelector("p.notice")).getText().startsWith("proposing clusters in the background"));
      WebFixture.shot(d, "workbench-03-clusters-running");
      drawn(wait, "clusters-chart");
      assertEquals(3, d.findElements(By.cssSelector("#clusters tbody tr")).size());
      WebFixture.shot(d, "workbench-04-clusters");
      WebElement name = d.findElement(By.id("save-name-1"));
      name.clear();
      name.sendKeys("Bad Name");
      name.submit();
      wait.until(x -> !x.findElements(By.cssSelector("p.error")).isEmpty());
      assertEquals("segment name must be lower-case letters, digits, '_' or '-', got 'Bad Name'", d.findElement(By.cssSelector("p.error")).getText());
      name = d.findElement(By.id("save-name-1"));
      name.clear();
      name.sendKeys("cluster-one");
      d.findElement(By.cssSelector("#clusters tbody tr:first-child .save-cluster")).click();
      wait.until(x -> !x.findElements(By.cssSelector("p.notice")).isEmpty());
      assertEquals("saved cluster 1 as segment cluster-one", d.findElement(By.cssSelector("p.notice")).getText());
      assertTrue(WEB.store().segmentDefinitions().find("cluster-one").isPresent(), "the cluster is a saved segment");
      WebFixture.shot(d, "workbench-05-cluster-saved");

      // Lookalikes: tiers with their lift, one saved.
      d.findElement(By.linkText("Lookalikes")).click();
      wait.until(x -> x.getTitle().startsWith("Lookalikes"));
      d.findElement(By.id("seed")).sendKeys("luxury-buyers");
      d.findElement(By.id("find-button")).click();
      drawn(wait, "lookalikes-chart");
      assertEquals(4, d.findElements(By.cssSelector("#tiers tbody tr")).size());
      WebFixture.shot(d, "workbench-06-lookalikes");
      d.findElement(By.cssSelector("#tiers tbody tr:nth-child(3) button")).click();
      wait.until(x -> !x.findElements(By.cssSelector("p.notice")).isEmpty());
      assertEquals("saved the closest 5 % as segment luxury-buyers-like-5", d.findElement(By.cssSelector("p.notice")).getText());
      assertTrue(WEB.store().segmentDefinitions().find("luxury-buyers-like-5").isPresent());

      // Conversions and surveys.
      d.findElement(By.linkText("Conversions")).click();
      drawn(wait, "conversions-chart");
      assertTrue(d.findElements(By.cssSelector("#conversions tbody tr")).size() > SAVED.size());
      WebFixture.shot(d, "workbench-07-conversions");
      d.findElement(By.linkText("Surveys")).click();
      drawn(wait, "surveys-chart");
      List<String> heads = d.findElements(By.cssSelector("#answers thead th")).stream().map(WebElement::getText).toList();
      assertTrue(heads.containsAll(List.of("no", "yes")), heads.toString());
      WebFixture.shot(d, "workbench-08-surveys");

      // Personalization: the placement, and what a known profile sees, with the reason.
      d.findElement(By.linkText("Personalization")).click();
      wait.until(x -> x.getTitle().startsWith("Personalization"));
      assertEquals(1, d.findElements(By.cssSelector("#placements tbody tr")).size());
      String buyer = ShopGenerator.profileId(5);
      wait.until(x -> {
        x.get(WEB.base() + "/personalization?preview=1&user=" + buyer + "&device=");
        return !x.findElements(By.cssSelector("#choices tbody tr")).isEmpty();
      });
      assertTrue(d.findElement(By.id("decision-who")).getText().startsWith(buyer), d.findElement(By.id("decision-who")).getText());
      assertFalse(d.findElement(By.cssSelector("#choices tbody tr td:nth-child(3)")).getText().isBlank(), "the decision's reason is shown");
      WebFixture.shot(d, "workbench-09-personalization");

      // Write keys: make one, track with it, revoke it, and it is refused.
      d.findElement(By.linkText("Write keys")).click();
      wait.until(x -> x.getTitle().startsWith("Write keys"));
      d.findElement(By.id("key-name")).sendKeys("web-shop");
      d.findElement(By.id("key-name")).submit();
      wait.until(x -> !x.findElements(By.cssSelector("p.notice")).isEmpty());
      Matcher m = Pattern.compile("(wk_[0-9a-f]{32})").matcher(d.findElement(By.cssSelector("p.notice")).getText());
      assertTrue(m.find(), d.findElement(By.cssSelector("p.notice")).getText());
      String key = m.group(1);
      assertEquals(1, d.findElements(By.cssSelector("#keys tbody tr")).size());
      assertFalse(d.getPageSource().substring(d.getPageSource().indexOf("id=\"keys\"")).contains(key), "the list never shows the key");
      WebFixture.shot(d, "workbench-10-keys");
      assertEquals(200, track(key), "a key made in the app tracks");
      d.findElement(By.cssSelector("#keys tbody button")).click();
      wait.until(x -> x.findElements(By.cssSelector("#keys tbody tr")).isEmpty());
      assertEquals(401, track(key), "a revoked key is refused at once");

      // A viewer: no marketer pages, no person looked up.
      WebFixture.signOut(d);
      WEB.signIn(d, "vic", VIEWER_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      assertTrue(d.findElements(By.linkText("Clusters")).isEmpty(), "a viewer's navigation has no clusters page");
      d.get(WEB.base() + "/clusters");
      assertEquals("the page Clusters needs the role marketer; you are signed in as a viewer", d.findElement(By.id("message")).getText());
      d.get(WEB.base() + "/personalization?preview=1&user=" + buyer);
      assertEquals("a viewer sees aggregates only; preview an anonymous visitor, or ask a marketer to look up a profile",
          d.findElement(By.id("problem")).getText());
      assertFalse(d.findElement(By.id("user")).isEnabled(), "a viewer cannot type a user id");
      WebFixture.shot(d, "workbench-11-viewer-personalization");
    } finally {
      d.quit();
    }
  }

  @Test
  void masking_viewer_hidesPersonalValuesOnly() {
    Masking viewer = Masking.forRole(Role.VIEWER);
    Masking marketer = Masking.forRole(Role.MARKETER);
    assertTrue(viewer.masked());
    assertEquals(Masking.MASK, viewer.personal("p-000001"));
    assertEquals(Map.of("email", Masking.MASK), viewer.personal(Map.of("email", "a@b.example")));
    assertEquals("p-000001", marketer.personal("p-000001"));
    assertFalse(Masking.forRole(Role.ADMIN).masked());
    assertEquals(null, viewer.personal((String) null));
  }

  private static int track(String key) throws Exception {
    String auth = "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    HttpRequest r = HttpRequest.newBuilder(URI.create(WEB.base() + "/v1/track")).header("Authorization", auth).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"userId\": \"" + ShopGenerator.profileId(7) + "\", \"event\": \"Page Viewed\"}")).build();
    return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static void drawn(WebDriverWait wait, String id) {
    wait.until(x -> !x.findElements(By.cssSelector("#" + id + " svg path")).isEmpty());
  }
}
