package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Metric;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import io.segmenta.testkit.ExperimentScenario;
import io.segmenta.web.auth.Role;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Profiles and Experiments pages in Debian's Chromium over a real store (a generated shop of 300 customers, an
 * experiment with 3,000 visitors, saved segments) and a real server on loopback: an experiment's report with its
 * forest plot drawn; a profile looked up by e-mail and why it is in a segment; a profile erased by an admin after the
 * confirmation, and a viewer refused; and, with a plain HTTP client, the erasure's form post without a CSRF token
 * refused. Screenshots of every page visited go to target/screenshots/profiles-experiments.
 */
class ProfilesExperimentsBrowserTest {
  static final String ADMIN_PASSWORD = "admin password 1";
  static final String VIEWER_PASSWORD = "viewer password 1";

  @RegisterExtension
  static final WebFixture WEB = WebFixture.shop(300).with(store -> {
    List<Profile> profiles = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    new ExperimentScenario(5, 3000, "DK", 0.5).write(profiles::add, events::add);
    store.profiles().write(new Batch(profiles, events));
    // A known person to look up by e-mail: two recent orders, in Denmark.
    store.profiles().write(new Batch(List.of(new Profile("anna", List.of(Identifier.email("anna@example.com")), Map.of("country", Value.of("DK")))),
        List.of()));
    Segments segments = WebFixture.segments(store);
    for (String c : ExperimentScenario.COUNTRIES) {
      segments.save(c.toLowerCase(), "country = \"" + c + "\"", "");
    }
    segments.save("danes-who-order", "segment \"dk\" and count(order) >= 0", "");
    Experiment e = ExperimentScenario.experiment();
    store.experimentDefinitions().save(new Experiment(e.key(), e.description(), e.allocation(), e.targeting(),
        List.of(Metric.parse("purchase = count(order) >= 1", false), Metric.parse("revenue = sum(order.revenue)", false)),
        e.window(), e.exposureFilter(), e.start(), e.stop(), "Checkout banner", e.phase()));
  }).user("ann", Role.ADMIN, ADMIN_PASSWORD).user("vic", Role.VIEWER, VIEWER_PASSWORD);

  @Test
  void walk_experimentReportProfileWhyAndErasure() throws Exception {
    ChromeDriver d = WEB.chromium();
    try {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(90));
      WEB.signIn(d, "ann", ADMIN_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));

      // 4. An experiment's report: the forest plot is drawn, one mark per segment and variant.
      d.findElement(By.linkText("Experiments")).click();
      wait.until(x -> x.getTitle().startsWith("Experiments"));
      WebFixture.shot(d, "profiles-experiments/01-experiments");
      d.findElement(By.linkText("Checkout banner")).click();
      wait.until(x -> !x.findElements(By.cssSelector("#forest-0 svg path")).isEmpty());
      int marks = d.findElements(By.cssSelector("#forest-0 svg path")).size();
      assertTrue(marks >= 7, "the forest plot draws a point and an interval per row, got " + marks + " paths");
      assertEquals(7, d.findElements(By.cssSelector("#forest-0 + table tbody tr")).size(), "everyone and six segments");
      assertFalse(d.findElements(By.id("srm-ok")).isEmpty() && d.findElements(By.id("srm-banner")).isEmpty(), "the split is reported either way");
      WebFixture.shot(d, "profiles-experiments/02-experiment-report");
      d.get(WEB.base() + "/experiments/" + ExperimentScenario.KEY + "?sequential=true&by=dk");
      wait.until(x -> !x.findElements(By.cssSelector("#over-time svg path")).isEmpty());
      WebFixture.shot(d, "profiles-experiments/03-experiment-sequential");

      // 5. A profile looked up by e-mail, and why it is in a segment.
      d.findElement(By.linkText("Profiles")).click();
      wait.until(x -> x.getTitle().startsWith("Profiles"));
      d.findElement(By.id("q")).sendKeys("Anna@Example.com");
      d.findElement(By.id("search")).click();
      wait.until(x -> !x.findElements(By.cssSelector("#results a")).isEmpty());
      WebFixture.shot(d, "profiles-experiments/04-profile-search");
      d.findElement(By.linkText("anna")).click();
      wait.until(x -> x.getTitle().startsWith("Profile"));
      assertTrue(d.findElement(By.id("identifiers")).getText().contains("email: anna@example.com"));
      WebFixture.shot(d, "profiles-experiments/05-profile");
      d.findElement(By.cssSelector("a.why[href='/profiles/anna/why/danes-who-order']")).click();
      wait.until(x -> !x.findElements(By.id("verdict")).isEmpty());
      assertEquals("in", d.findElement(By.id("verdict")).getText());
      List<WebElement> decided = d.findElements(By.cssSelector("#trace tr.decided"));
      assertTrue(decided.stream().anyMatch(r -> r.getText().contains("country = \"DK\"") && r.getText().contains("country = \"DK\"")),
          "the trace shows the nested segment's condition with its value, decided");
      WebFixture.shot(d, "profiles-experiments/06-profile-why-in");
      d.get(WEB.base() + "/profiles/anna/why/se");
      wait.until(x -> !x.findElements(By.id("misses")).isEmpty());
      assertEquals("country is \"DK\"; needs \"SE\"", d.findElement(By.cssSelector("#misses li")).getText());
      WebFixture.shot(d, "profiles-experiments/07-profile-why-out");

      // 6. Erasure: a viewer is refused (and sees personal data masked), the admin erases after confirming.
      WebFixture.signOut(d);
      WEB.signIn(d, "vic", VIEWER_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.get(WEB.base() + "/profiles/anna");
      assertTrue(d.findElement(By.id("identifiers")).getText().contains("email: " + Masking.MASK), d.findElement(By.id("identifiers")).getText());
      assertTrue(d.findElements(By.id("erase-link")).isEmpty(), "a viewer is offered no erasure");
      WebFixture.shot(d, "profiles-experiments/08-profile-viewer-masked");
      d.get(WEB.base() + "/profiles/anna/erase");
      assertEquals("the page /profiles/anna/erase needs the role admin; you are signed in as a viewer", d.findElement(By.id("message")).getText());
      WebFixture.shot(d, "profiles-experiments/09-erase-viewer-refused");
      WebFixture.signOut(d);
      WEB.signIn(d, "ann", ADMIN_PASSWORD);
      wait.until(x -> x.getTitle().startsWith("Home"));
      d.get(WEB.base() + "/profiles/anna");
      d.findElement(By.id("erase-link")).click();
      wait.until(x -> !x.findElements(By.id("erase-warning")).isEmpty());
      WebFixture.shot(d, "profiles-experiments/10-erase-confirm");
      d.findElement(By.id("confirm")).sendKeys("not anna");
      d.findElement(By.id("erase")).click();
      wait.until(x -> !x.findElements(By.cssSelector("p.error")).isEmpty());
      assertEquals("confirm: type the profile id 'anna' to erase it, got 'not anna'", d.findElement(By.cssSelector("p.error")).getText());
      assertTrue(WEB.store().profiles().history("anna").isPresent(), "nothing erased without the confirmation");
      d.findElement(By.id("confirm")).sendKeys("anna");
      d.findElement(By.id("erase")).click();
      wait.until(x -> !x.findElements(By.id("gone")).isEmpty());
      assertTrue(d.findElement(By.cssSelector("p.notice")).getText().startsWith("erased 1 profile(s) of this person"), d.findElement(By.cssSelector("p.notice")).getText());
      assertTrue(WEB.store().profiles().history("anna").isEmpty(), "the profile is gone from the store");
      assertTrue(WEB.store().profiles().findProfile("email", "anna@example.com").isEmpty());
      WebFixture.shot(d, "profiles-experiments/11-erased");
    } finally {
      d.quit();
    }
  }

  /** The profile page's figures are the evaluator's; the export is admin-only; the erasure's form needs its CSRF token. */
  @Test
  void http_exportWhyAndErasureChecks() throws Exception {
    WebFixture.Session admin = WEB.signIn("ann", ADMIN_PASSWORD);
    WebFixture.Session viewer = WEB.signIn("vic", VIEWER_PASSWORD);
    String id = WEB.store().profiles().profileIds().stream().filter(x -> !x.equals("anna")).findFirst().orElseThrow(); // the walk erases anna
    HttpResponse<String> export = WEB.get(admin, "/profiles/" + id + "/export");
    assertEquals(200, export.statusCode(), export.body());
    assertTrue(export.headers().firstValue("Content-Disposition").orElse("").contains("subject-access-" + id + ".json"));
    assertTrue(export.body().contains("\"events\""), export.body());
    assertEquals(403, WEB.get(viewer, "/profiles/" + id + "/export").statusCode(), "a viewer gets no subject-access export");

    // Each segment's verdict on the profile page is the evaluator's.
    HttpResponse<String> page = WEB.get(admin, "/profiles/" + id);
    assertEquals(200, page.statusCode(), page.body());
    ProfileHistory h = WEB.store().profiles().history(id).orElseThrow();
    Segments segments = WEB.segments();
    Instant asOf = Instant.parse(Pattern.compile("Figures as of ([^ ]+) \\(UTC\\)").matcher(page.body()).results().findFirst().orElseThrow().group(1));
    Evaluator ev = Evaluator.strict(asOf, segments.resolver());
    for (var s : WEB.store().segmentDefinitions().all()) {
      boolean in = ev.matches(RuleText.parseRule(s.rule()), h);
      assertTrue(page.body().contains("<tr class=\"" + (in ? "in" : "out") + "\"><th scope=\"row\">" + s.name() + "</th>"), s.name() + " should be " + in);
    }
    assertEquals(400, WEB.get(admin, "/profiles/" + id + "/why/nope").statusCode());
    assertTrue(WEB.get(admin, "/profiles/" + id + "/why/nope").body().contains("there is no saved segment named &#39;nope&#39;"));
    assertEquals(400, WEB.get(admin, "/profiles/nobody").statusCode());

    // 7. The erasure's form without its CSRF token is refused, and erases nothing.
    HttpResponse<String> noToken = WEB.send("/profiles/" + id + "/erase", admin.cookie(), Map.of("confirm", id));
    assertEquals(403, noToken.statusCode());
    assertTrue(WEB.store().profiles().history(id).isPresent());
    String token = WebFixture.csrf(WEB.get(admin, "/profiles/" + id + "/erase").body());
    assertEquals(403, WEB.post(viewer, "/profiles/" + id + "/erase", Map.of("confirm", id)).statusCode(),
        "a viewer may not erase, even with a valid form");
    assertTrue(WEB.store().profiles().history(id).isPresent());
    HttpResponse<String> erased = WEB.send("/profiles/" + id + "/erase", admin.cookie(), Map.of("confirm", id, "csrf", token));
    assertEquals(200, erased.statusCode(), erased.body());
    assertTrue(WEB.store().profiles().history(id).isEmpty());
  }
}
