package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.destination.Destination;
import io.segmenta.core.history.History;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.journey.json.JourneyTemplates;
import io.segmenta.core.review.Alert;
import io.segmenta.core.review.Finding;
import io.segmenta.core.value.AsOfDefault;
import io.segmenta.testkit.ShopGenerator;
import io.segmenta.web.auth.Role;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Journeys, Audiences, history and Review pages over HTTP on loopback, on a real store (a generated shop of 300
 * customers, three saved segments) served by a real server: what each role sees, the forms' actions with their CSRF
 * token, errors in words (never a stack trace), and personal values masked for viewers.
 */
class JourneysAudiencesReviewPagesTest {
  static final List<String> SAVED = List.of("students", "travellers", "luxury-buyers");

  @RegisterExtension
  static final WebFixture WEB = WebFixture.shop(300).saved(SAVED).user("ann", Role.ADMIN, "admin password 1")
      .user("rae", Role.MARKETER, "marketer password 1").user("vic", Role.VIEWER, "viewer password 1");

  @Test
  void journeys_marketerCreatesFromTemplateActivatesAndPauses() throws Exception {
    HttpResponse<String> list = WEB.get(WEB.session("rae"), "/journeys");
    assertEquals(200, list.statusCode(), list.body());
    assertTrue(list.body().contains("value=\"post_purchase\""), "the built-in templates are offered");
    HttpResponse<String> created = WEB.post(WEB.session("rae"), "/journeys/new", Map.of("template", "post_purchase"));
    assertEquals(303, created.statusCode(), created.body());
    assertEquals("/journeys/post_purchase", created.headers().firstValue("Location").orElseThrow());
    assertTrue(WEB.store().journeyLog().paused("post_purchase"), "a journey made from a template waits to be activated");

    HttpResponse<String> page = WEB.get(WEB.session("rae"), "/journeys/post_purchase");
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("id=\"journey-state\" class=\"state paused\">paused<"), page.body());
    for (String step : List.of("step-pause", "step-ab", "step-related")) {
      assertTrue(page.body().contains("id=\"" + step + "\""), "the flow shows " + step);
    }
    assertTrue(page.body().contains("10 % held out"), "the split's holdout is described");
    assertTrue(page.body().contains("id=\"arms\"") && page.body().contains("id=\"lifts\""), "a journey with a holdout shows its lift");
    assertTrue(page.body().contains("id=\"activate\""));

    HttpResponse<String> activated = WEB.post(WEB.session("rae"), "/journeys/post_purchase/activate", Map.of());
    assertEquals(200, activated.statusCode(), activated.body());
    assertTrue(activated.body().contains("journey post_purchase is active"), activated.body());
    assertFalse(WEB.store().journeyLog().paused("post_purchase"));
    assertTrue(WEB.get(WEB.session("vic"), "/journeys").body().contains("<td class=\"state active\">active</td>"));

    HttpResponse<String> again = WEB.post(WEB.session("rae"), "/journeys/new", Map.of("template", "post_purchase"));
    assertEquals(400, again.statusCode());
    assertTrue(again.body().contains("a journey named &#39;post_purchase&#39; exists already"), again.body());
    HttpResponse<String> unknown = WEB.post(WEB.session("rae"), "/journeys/new", Map.of("template", "welcome"));
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.body().contains("template must be one of post_purchase, lapsed_reengagement, loyalty_most_valuable, got &#39;welcome&#39;"));

    HttpResponse<String> paused = WEB.post(WEB.session("ann"), "/journeys/post_purchase/pause", Map.of());
    assertEquals(200, paused.statusCode(), paused.body());
    assertTrue(WEB.store().journeyLog().paused("post_purchase"));
  }

  @Test
  void journeys_viewerReadsButMayNotActivate() throws Exception {
    if (WEB.store().journeyDefinitions().find("loyalty_most_valuable").isEmpty()) {
      assertEquals(303, WEB.post(WEB.session("rae"), "/journeys/new", Map.of("template", "loyalty_most_valuable")).statusCode());
    }
    HttpResponse<String> page = WEB.get(WEB.session("vic"), "/journeys/loyalty_most_valuable");
    assertEquals(200, page.statusCode(), page.body());
    assertFalse(page.body().contains("id=\"activate\"") || page.body().contains("id=\"pause\""), "a viewer gets no buttons");
    assertFalse(WEB.get(WEB.session("vic"), "/journeys").body().contains("id=\"new-journey\""), "nor the new-journey form");
    HttpResponse<String> refused = WEB.post(WEB.session("vic"), "/journeys/loyalty_most_valuable/activate", Map.of());
    assertEquals(403, refused.statusCode());
    assertTrue(refused.body().contains("needs the role marketer; you are signed in as a viewer"), refused.body());
    HttpResponse<String> noToken = WEB.send("/journeys/loyalty_most_valuable/activate", WEB.session("rae").cookie(), Map.of());
    assertEquals(403, noToken.statusCode(), "no CSRF token, no activation");
  }

  @Test
  void journeys_unknownOrBadWindow_sayWhyInWords() throws Exception {
    HttpResponse<String> none = WEB.get(WEB.session("vic"), "/journeys/nope");
    assertEquals(400, none.statusCode());
    assertTrue(none.body().contains("there is no journey named &#39;nope&#39;"), none.body());
    assertNoTrace(none.body());
    if (WEB.store().journeyDefinitions().find("lapsed_reengagement").isEmpty()) {
      assertEquals(303, WEB.post(WEB.session("rae"), "/journeys/new", Map.of("template", "lapsed_reengagement")).statusCode());
    }
    HttpResponse<String> bad = WEB.get(WEB.session("vic"), "/journeys/lapsed_reengagement?window=forever");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("window must be an ISO-8601 duration such as P30D, got &#39;forever&#39;"), bad.body());
    assertNoTrace(bad.body());
    assertEquals(200, WEB.get(WEB.session("vic"), "/journeys/lapsed_reengagement?window=P7D").statusCode());
  }

  @Test
  void journey_withRuns_showsCountsSkipsByReasonAndTheHoldoutsLift() throws Exception {
    Journey t = JourneyTemplates.journey("post_purchase");
    WEB.store().journeyLog().pause("pp_measured", true); // paused: the server's runner leaves the runs below where they are
    WEB.store().journeyDefinitions().save(new Journey("pp_measured", 1, t.description(), t.trigger(), t.steps(), t.goal(), t.exits(), t.reentry(),
        t.caps(), t.templates(), t.zone(), t.quietHours()));
    JourneyLog log = WEB.store().journeyLog();
    Instant at = WEB.store().profiles().stats().lastEvent().minus(Duration.ofDays(60));
    int heldOut = 0;
    int running = 0;
    int sent = 0;
    int skipped = 0;
    for (int i = 0; i < 40; i++) {
      String id = ShopGenerator.profileId(i);
      JourneyLog.Run run = new JourneyLog.Run("pp_measured", id, 1, 1, "pause", at, 0, at, at);
      log.enter(run, new JourneyLog.StepRecord("pp_measured", id, 1, "pause", "entered", null, at));
      if (i % 10 == 0) {
        log.end(run, new JourneyLog.StepRecord("pp_measured", id, 1, "ab", "held_out", null, at.plusSeconds(60)));
        heldOut++;
      } else if (i % 7 == 0) {
        running++;
      } else if (i % 3 == 0) {
        log.end(run, new JourneyLog.StepRecord("pp_measured", id, 1, "related", "skipped", "no e-mail consent", at.plusSeconds(120)));
        skipped++;
      } else {
        log.end(run, new JourneyLog.StepRecord("pp_measured", id, 1, "related", "sent", null, at.plusSeconds(120)));
        sent++;
      }
    }
    HttpResponse<String> page = WEB.get(WEB.session("vic"), "/journeys/pp_measured?window=P30D");
    assertEquals(200, page.statusCode(), page.body());
    String b = page.body();
    assertTrue(b.contains("id=\"entered\">40<"), b);
    assertTrue(b.contains("id=\"in-progress\">" + running + "<"), b);
    assertTrue(b.contains("id=\"sent\">" + sent + "<"), b);
    assertTrue(b.contains("id=\"held-out\">" + heldOut + "<"), b);
    assertTrue(b.contains("<th scope=\"row\">related</th><td>no e-mail consent</td><td>" + skipped + "</td>"), "skips by reason: " + b);
    assertTrue(b.contains("<li>sent: " + sent + "</li>"), "the step's outcomes in the flow");
    Matcher arms = Pattern.compile("<th scope=\"row\">Treated</th><td>(\\d+)</td>.*?<th scope=\"row\">Held out</th><td>(\\d+)</td>", Pattern.DOTALL).matcher(b);
    assertTrue(arms.find(), b);
    assertEquals(40, Integer.parseInt(arms.group(1)) + Integer.parseInt(arms.group(2)), "every entry counts in its arm");
    assertTrue(b.contains("Conversion, relative"), b);
    String list = WEB.get(WEB.session("vic"), "/journeys").body();
    assertTrue(list.contains("href=\"/journeys/pp_measured\""), list);
  }

  @Test
  void journey_personsPath_showsEachEntrysStepsAndWhereTheyAreNow_toMarketersOnly() throws Exception {
    Journey t = JourneyTemplates.journey("post_purchase");
    JourneyLog log = WEB.store().journeyLog();
    log.pause("pp_path", true); // paused: the server's runner leaves the runs below where they are
    WEB.store().journeyDefinitions().save(new Journey("pp_path", 1, t.description(), t.trigger(), t.steps(), t.goal(), t.exits(), t.reentry(),
        t.caps(), t.templates(), t.zone(), t.quietHours()));
    String id = ShopGenerator.profileId(7);
    Instant at = WEB.store().profiles().stats().lastEvent().minus(Duration.ofDays(40));
    // The first entry: waited, went on past the split, the e-mail skipped for want of consent; ended.
    JourneyLog.Run first = new JourneyLog.Run("pp_path", id, 1, 1, "pause", at, 0, at, at);
    log.enter(first, new JourneyLog.StepRecord("pp_path", id, 1, "pause", "entered", null, at));
    log.move(first, "ab", at.plusSeconds(3600), new JourneyLog.StepRecord("pp_path", id, 1, "pause", "waited", null, at.plusSeconds(3600)));
    JourneyLog.Run atAb = first.at("ab", at.plusSeconds(3600));
    log.move(atAb, "related", at.plusSeconds(3601), new JourneyLog.StepRecord("pp_path", id, 1, "ab", "split", "treatment", at.plusSeconds(3601)));
    log.end(atAb.at("related", at.plusSeconds(3601)),
        new JourneyLog.StepRecord("pp_path", id, 1, "related", "skipped", "no e-mail consent", at.plusSeconds(3602)));
    // The second entry runs: it waits at the pause.
    Instant again = at.plus(Duration.ofDays(20));
    log.enter(new JourneyLog.Run("pp_path", id, 2, 1, "pause", again.plus(Duration.ofDays(7)), 0, again, again),
        new JourneyLog.StepRecord("pp_path", id, 2, "pause", "entered", null, again));

    HttpResponse<String> page = WEB.get(WEB.session("rae"), "/journeys/pp_path?profile=" + id);
    assertEquals(200, page.statusCode(), page.body());
    String b = page.body();
    assertTrue(b.contains("id=\"person-now\">In the journey (entry 2 of 2): at step pause (wait) since " + again + ", due "), b);
    assertTrue(b.contains("Entry 1 (ended), entered " + at + " under version 1"), b);
    assertTrue(b.contains("Entry 2 (running), entered " + again), b);
    Matcher rows = Pattern.compile("<tr class=\"(\\w+)\"><td>[^<]+</td><th scope=\"row\">(\\w+)</th><td>\\w+</td><td>([^<]*)</td></tr>")
        .matcher(b.substring(b.indexOf("id=\"path-1\""), b.indexOf("id=\"path-2\"")));
    List<String> path = new ArrayList<>();
    while (rows.find()) {
      path.add(rows.group(2) + " " + rows.group(1) + (rows.group(3).isEmpty() ? "" : " (" + rows.group(3) + ")"));
    }
    assertEquals(List.of("pause entered", "pause waited", "ab split (treatment)", "related skipped (no e-mail consent)"), path);
    assertTrue(b.contains("value=\"" + id + "\""), "the form keeps the id looked up");

    // Once the second entry ends, the person is out, and the page says how it ended.
    log.end(new JourneyLog.Run("pp_path", id, 2, 1, "pause", again, 0, again, again),
        new JourneyLog.StepRecord("pp_path", id, 2, "pause", "exited", "left the trigger segment", again.plusSeconds(60)));
    assertTrue(WEB.get(WEB.session("rae"), "/journeys/pp_path?profile=" + id).body().contains(
        "Out of the journey (entry 2 of 2): ended at step pause (exited: left the trigger segment, " + again.plusSeconds(60) + ")."));
    assertTrue(WEB.get(WEB.session("rae"), "/journeys/pp_path?profile=" + ShopGenerator.profileId(8)).body().contains("Never entered this journey."));
    assertTrue(WEB.get(WEB.session("rae"), "/journeys/pp_path?profile=nobody-here").body().contains("There is no profile &#39;nobody-here&#39; in the store."));

    String masked = WEB.get(WEB.session("vic"), "/journeys/pp_path?profile=" + id).body();
    assertTrue(masked.contains("id=\"person-masked\""), masked);
    assertFalse(masked.contains(id) || masked.contains("id=\"profile\""), "a viewer sees no person's path and no lookup");
    HttpResponse<String> tooLong = WEB.get(WEB.session("rae"), "/journeys/pp_path?profile=" + "x".repeat(201));
    assertEquals(400, tooLong.statusCode());
    assertTrue(tooLong.body().contains("profile must be a profile id of at most 200 characters, got 201"), tooLong.body());
    assertNoTrace(tooLong.body());
  }

  @Test
  void destinations_addFormShowsEachMistakeBesideItsField() throws Exception {
    assertEquals(403, WEB.get(WEB.session("vic"), "/destinations/new").statusCode(), "a viewer may not add destinations");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("key", "Bad Key");
    form.put("segment", "");
    form.put("kind", "file");
    form.put("setting_format", "xls");
    form.put("every", "hourly");
    HttpResponse<String> r = WEB.post(WEB.session("rae"), "/destinations/new", form);
    assertEquals(400, r.statusCode(), r.body());
    String b = r.body();
    assertTrue(b.contains("the destination was not saved: 5 fields need attention"), b);
    assertTrue(b.contains("id=\"error-key\">destination key must be lower-case letters, digits, &#39;_&#39; or &#39;-&#39;, got &#39;Bad Key&#39;<"), b);
    assertTrue(b.contains("id=\"error-segment\">choose the segment to sync<"), b);
    assertTrue(b.contains("id=\"error-setting_folder\">a file destination needs the setting &#39;folder&#39;<"), b);
    assertTrue(b.contains("id=\"error-setting_format\">format must be csv, jsonl or parquet, got &#39;xls&#39;<"), b);
    assertTrue(b.contains("id=\"error-every\">&#39;every&#39; must be an ISO-8601 duration such as PT6H, got &#39;hourly&#39;<"), b);
    assertTrue(b.contains("value=\"Bad Key\""), "what was typed stays in the form");
    assertFalse(b.contains("id=\"error-kind\""), "the kind was right");
    assertNoTrace(b);

    HttpResponse<String> wrongPurpose = WEB.post(WEB.session("rae"), "/destinations/new", Map.of("key", "ads", "segment", "students", "kind", "meta",
        "setting_audience_id", "123", "setting_token_env", "META_TOKEN", "purpose", "analytics"));
    assertEquals(400, wrongPurpose.statusCode());
    assertTrue(wrongPurpose.body().contains("id=\"error-purpose\">a meta destination is for advertising, not analytics<"), wrongPurpose.body());
  }

  @Test
  void destinations_addDryRunAndSync_asBackgroundJobs() throws Exception {
    Path folder = Files.createDirectories(WEB.dir().resolve("out"));
    HttpResponse<String> saved = WEB.post(WEB.session("rae"), "/destinations/new", Map.of("key", "students-file", "segment", "students", "kind", "file",
        "setting_folder", folder.toString(), "setting_format", "csv", "purpose", "analytics"));
    assertEquals(303, saved.statusCode(), saved.body());
    assertEquals("/destinations/students-file", saved.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> page = WEB.get(WEB.session("vic"), "/destinations/students-file");
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("Consent purpose: <strong>analytics</strong>"), page.body());
    assertTrue(page.body().contains("id=\"no-runs\""));
    assertFalse(page.body().contains("id=\"dry-run\""), "a viewer gets no run buttons");
    assertEquals(403, WEB.post(WEB.session("vic"), "/destinations/students-file/dry-run", Map.of()).statusCode());

    HttpResponse<String> dry = WEB.post(WEB.session("rae"), "/destinations/students-file/dry-run", Map.of());
    assertEquals(200, dry.statusCode(), dry.body());
    assertTrue(dry.body().contains("dry run of students-file started"), dry.body());
    String done = until(WEB.session("rae"), "/destinations/students-file", "id=\"job-result\"");
    assertTrue(done.contains("dry run, "), done);
    long members = WEB.store().destinationRuns().runs("students-file", 1).get(0).members();
    assertTrue(members > 0, "the generated shop has students");
    Matcher shown = Pattern.compile("Examples added: <code>([^<]+)</code>").matcher(done);
    assertTrue(shown.find(), "a marketer sees the examples: " + done);
    String example = shown.group(1);
    assertTrue(WEB.store().profiles().history(example).isPresent(), "an example is a member's profile id: " + example);
    String masked = WEB.get(WEB.session("vic"), "/destinations/students-file").body();
    assertFalse(masked.contains(example), "a viewer sees no profile id");
    assertTrue(masked.contains("<code>" + Masking.MASK + "</code>"), masked);
    assertFalse(Files.exists(folder.resolve("students-file.csv")), "a dry run sends nothing");

    assertEquals(200, WEB.post(WEB.session("rae"), "/destinations/students-file/sync", Map.of()).statusCode());
    String synced = until(WEB.session("rae"), "/destinations/students-file", "id=\"job-result\"");
    assertTrue(synced.contains("syncing students-file finished"), synced);
    assertTrue(Files.exists(folder.resolve("students-file.csv")), "the sync wrote the file");
    assertEquals(2, WEB.store().destinationRuns().runs("students-file", 10).size());

    String list = WEB.get(WEB.session("vic"), "/destinations").body();
    assertTrue(list.contains("href=\"/destinations/students-file\""), list);
    assertTrue(list.contains("(ok)</td><td>" + Numbers.count(members) + "</td>"), "the last run's additions: " + list);
    HttpResponse<String> missing = WEB.get(WEB.session("vic"), "/destinations/nowhere");
    assertEquals(400, missing.statusCode());
    assertTrue(missing.body().contains("there is no destination named &#39;nowhere&#39;"));
    assertNoTrace(missing.body());
  }

  @Test
  void destinations_failedRunShowsWhyInTheList() throws Exception {
    WEB.store().destinationDefinitions().save(new Destination("hook", "travellers", Destination.Kind.WEBHOOK,
        Map.of("url", "http://127.0.0.1:9/none", "secret_env", "SEGMENTA_TEST_UNSET_SECRET"), null, false, null, false, null));
    assertEquals(200, WEB.post(WEB.session("rae"), "/destinations/hook/sync", Map.of()).statusCode());
    String done = until(WEB.session("rae"), "/destinations/hook", "id=\"job-result\"");
    assertTrue(done.contains("failed"), done);
    String list = WEB.get(WEB.session("vic"), "/destinations").body();
    assertTrue(list.contains("the environment variable SEGMENTA_TEST_UNSET_SECRET (secret_env) is not set"), list);
  }

  @Test
  void history_showsSizesFlowsAndLeavers_membersOnlyUnmasked() throws Exception {
    History h = new History(WEB.store().segmentDefinitions(), WEB.store().membership(), WEB.store().history());
    // The pages read at the as-of commands use: the newest event when the generated data ended over a month ago.
    LocalDate today = AsOfDefault.of(Instant.now(), WEB.store().profiles().stats().lastEvent()).atZone(ZoneOffset.UTC).toLocalDate();
    h.backfill("luxury-buyers", today.minusDays(30), today);
    HttpResponse<String> page = WEB.get(WEB.session("vic"), "/segments/luxury-buyers/history");
    assertEquals(200, page.statusCode(), page.body());
    Matcher sizes = Pattern.compile("data-series=\"\\{&quot;days&quot;:\\[[^\\]]*\\],&quot;sizes&quot;:\\[([^\\]]*)\\]").matcher(page.body());
    assertTrue(sizes.find(), page.body());
    long known = List.of(sizes.group(1).split(",")).stream().filter(x -> !x.equals("null")).count();
    assertTrue(known >= 30, "the backfilled days have sizes: " + sizes.group(1));
    assertTrue(page.body().contains("id=\"flows\""));
    assertFalse(page.body().contains("id=\"at\""), "a viewer gets no who-was-in form");
    assertFalse(page.body().contains("id=\"backfill\""));

    h.recompute(History.endOf(today));
    String day = today.toString();
    HttpResponse<String> members = WEB.get(WEB.session("rae"), "/segments/luxury-buyers/history?at=" + day);
    assertEquals(200, members.statusCode());
    List<String> expected = WEB.store().history().membersAt("luxury-buyers", History.endOf(today), 0, 50);
    assertFalse(expected.isEmpty());
    assertTrue(members.body().contains(">" + expected.get(0) + "</a>"), members.body());
    // The link is in the part the page fills in once its figures are counted (a background job on a busy machine).
    assertTrue(until(WEB.session("vic"), "/segments/luxury-buyers", "id=\"history-link\"").contains("href=\"/segments/luxury-buyers/history\""));

    HttpResponse<String> bad = WEB.get(WEB.session("vic"), "/segments/luxury-buyers/history?from=yesterday");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("&#39;from&#39; must be a day such as 2025-06-01, got &#39;yesterday&#39;"), bad.body());
    assertNoTrace(bad.body());
    HttpResponse<String> none = WEB.get(WEB.session("vic"), "/segments/nobody/history");
    assertEquals(400, none.statusCode());
    assertTrue(none.body().contains("there is no saved segment named &#39;nobody&#39;"));
    HttpResponse<String> backfill = WEB.post(WEB.session("vic"), "/segments/luxury-buyers/history/backfill", Map.of());
    assertEquals(403, backfill.statusCode());
    assertEquals(200, WEB.post(WEB.session("rae"), "/segments/luxury-buyers/history/backfill", Map.of()).statusCode());
  }

  @Test
  void review_listsAlertsFindingsAndDriftPerSegment() throws Exception {
    WEB.store().alerts().raise(List.of(new Alert(Instant.now(), "travellers", Finding.Reason.SHRINKING, "40 members, 90 90 days ago (-56%)")));
    // Everyone: enough members in both periods for the index to be computed (fewer than 200 show a dash).
    WEB.segments().save("everyone", "not (age < 0)", "");
    String page = until(WEB.session("vic"), "/review", "id=\"drift\"");
    Matcher everyone = Pattern.compile("href=\"/segments/everyone/history\">everyone</a></th>(.*?)</tr>", Pattern.DOTALL).matcher(page.substring(page.indexOf("id=\"drift\"")));
    assertTrue(everyone.find(), page);
    assertTrue(Pattern.compile("class=\"psi (stable|moderate|major)\">\\d\\.\\d{3}<").matcher(everyone.group(1)).find(),
        "the index is computed for a large segment: " + everyone.group(1));
    assertTrue(page.contains("40 members, 90 90 days ago (-56%)"), "the stored alert is listed: " + page);
    assertTrue(page.contains("id=\"findings\"") || page.contains("id=\"no-findings\""), page);
    for (String name : SAVED) {
      assertTrue(page.contains("href=\"/segments/" + name + "/history\">" + name + "</a></th><td>"), "drift of " + name);
    }
    assertTrue(page.contains("<th scope=\"col\">net_revenue</th>"), "a column per compared trait");
    assertTrue(page.contains("never acted on"), "no segment is used by anything here but what the other tests add");
  }

  private static void assertNoTrace(String body) {
    assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("at io.segmenta"), body);
  }

  /** Asks for the page until it holds {@code marker} (a background job finished), for at most a minute. */
  private static String until(WebFixture.Session s, String path, String marker) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String body = "";
    while (System.nanoTime() < end) {
      HttpResponse<String> r = WEB.get(s, path);
      assertEquals(200, r.statusCode(), r.body());
      body = r.body();
      if (body.contains(marker)) {
        return body;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no " + marker + " on " + path + " within a minute: " + body);
  }
}
