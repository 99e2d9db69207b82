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
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Journeys, Audiences, history and Review pages over HTTP on loopback, on a real store (a generated shop of 300
 * customers, three saved segments) served by a real server: what each role sees, the forms' actions with their CSRF
 * token, errors in words (never a stack trace), and personal values masked for viewers.
 */
class JourneysAudiencesReviewPagesTest {
  static final List<String> SAVED = List.of("students", "travellers", "luxury-buyers");

  @TempDir
  static Path dir;
  static Store store;
  static Server server;
  static String base;
  static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  static Session admin;
  static Session marketer;
  static Session viewer;

  record Session(String cookie, String csrf) {}

  @BeforeAll
  static void start() throws Exception {
    Path data = dir.resolve("db");
    store = DuckDb.open(StoreConfig.resolve(data, "1GB", 2, Map.of()));
    ShopGenerator.standard().generate(0, 300, 300, store.profiles()::write);
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    for (String name : SAVED) {
      segments.save(name, ExampleSegments.ALL.get(name).rule(), "");
    }
    Users users = Users.in(data);
    users.add("ann", Role.ADMIN, "admin password 1".toCharArray());
    users.add("rae", Role.MARKETER, "marketer password 1".toCharArray());
    users.add("vic", Role.VIEWER, "viewer password 1".toCharArray());
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_pages_1"), "admin-key-pages", Clock.systemUTC(), data),
        List.of(new WebApp(store, users, Clock.systemUTC())));
    base = "http://127.0.0.1:" + server.port();
    admin = signIn("ann", "admin password 1");
    marketer = signIn("rae", "marketer password 1");
    viewer = signIn("vic", "viewer password 1");
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
  void journeys_marketerCreatesFromTemplateActivatesAndPauses() throws Exception {
    HttpResponse<String> list = get(marketer, "/journeys");
    assertEquals(200, list.statusCode(), list.body());
    assertTrue(list.body().contains("value=\"post_purchase\""), "the built-in templates are offered");
    HttpResponse<String> created = post(marketer, "/journeys/new", Map.of("template", "post_purchase"));
    assertEquals(303, created.statusCode(), created.body());
    assertEquals("/journeys/post_purchase", created.headers().firstValue("Location").orElseThrow());
    assertTrue(store.journeyLog().paused("post_purchase"), "a journey made from a template waits to be activated");

    HttpResponse<String> page = get(marketer, "/journeys/post_purchase");
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("id=\"journey-state\" class=\"state paused\">paused<"), page.body());
    for (String step : List.of("step-pause", "step-ab", "step-related")) {
      assertTrue(page.body().contains("id=\"" + step + "\""), "the flow shows " + step);
    }
    assertTrue(page.body().contains("10 % held out"), "the split's holdout is described");
    assertTrue(page.body().contains("id=\"arms\"") && page.body().contains("id=\"lifts\""), "a journey with a holdout shows its lift");
    assertTrue(page.body().contains("id=\"activate\""));

    HttpResponse<String> activated = post(marketer, "/journeys/post_purchase/activate", Map.of());
    assertEquals(200, activated.statusCode(), activated.body());
    assertTrue(activated.body().contains("journey post_purchase is active"), activated.body());
    assertFalse(store.journeyLog().paused("post_purchase"));
    assertTrue(get(viewer, "/journeys").body().contains("<td class=\"state active\">active</td>"));

    HttpResponse<String> again = post(marketer, "/journeys/new", Map.of("template", "post_purchase"));
    assertEquals(400, again.statusCode());
    assertTrue(again.body().contains("a journey named &#39;post_purchase&#39; exists already"), again.body());
    HttpResponse<String> unknown = post(marketer, "/journeys/new", Map.of("template", "welcome"));
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.body().contains("template must be one of post_purchase, lapsed_reengagement, loyalty_most_valuable, got &#39;welcome&#39;"));

    HttpResponse<String> paused = post(admin, "/journeys/post_purchase/pause", Map.of());
    assertEquals(200, paused.statusCode(), paused.body());
    assertTrue(store.journeyLog().paused("post_purchase"));
  }

  @Test
  void journeys_viewerReadsButMayNotActivate() throws Exception {
    if (store.journeyDefinitions().find("loyalty_most_valuable").isEmpty()) {
      assertEquals(303, post(marketer, "/journeys/new", Map.of("template", "loyalty_most_valuable")).statusCode());
    }
    HttpResponse<String> page = get(viewer, "/journeys/loyalty_most_valuable");
    assertEquals(200, page.statusCode(), page.body());
    assertFalse(page.body().contains("id=\"activate\"") || page.body().contains("id=\"pause\""), "a viewer gets no buttons");
    assertFalse(get(viewer, "/journeys").body().contains("id=\"new-journey\""), "nor the new-journey form");
    HttpResponse<String> refused = post(viewer, "/journeys/loyalty_most_valuable/activate", Map.of());
    assertEquals(403, refused.statusCode());
    assertTrue(refused.body().contains("needs the role marketer; you are signed in as a viewer"), refused.body());
    HttpResponse<String> noToken = postWithout(marketer, "/journeys/loyalty_most_valuable/activate");
    assertEquals(403, noToken.statusCode(), "no CSRF token, no activation");
  }

  @Test
  void journeys_unknownOrBadWindow_sayWhyInWords() throws Exception {
    HttpResponse<String> none = get(viewer, "/journeys/nope");
    assertEquals(400, none.statusCode());
    assertTrue(none.body().contains("there is no journey named &#39;nope&#39;"), none.body());
    assertNoTrace(none.body());
    if (store.journeyDefinitions().find("lapsed_reengagement").isEmpty()) {
      assertEquals(303, post(marketer, "/journeys/new", Map.of("template", "lapsed_reengagement")).statusCode());
    }
    HttpResponse<String> bad = get(viewer, "/journeys/lapsed_reengagement?window=forever");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("window must be an ISO-8601 duration such as P30D, got &#39;forever&#39;"), bad.body());
    assertNoTrace(bad.body());
    assertEquals(200, get(viewer, "/journeys/lapsed_reengagement?window=P7D").statusCode());
  }

  @Test
  void journey_withRuns_showsCountsSkipsByReasonAndTheHoldoutsLift() throws Exception {
    Journey t = JourneyTemplates.journey("post_purchase");
    store.journeyLog().pause("pp_measured", true); // paused: the server's runner leaves the runs below where they are
    store.journeyDefinitions().save(new Journey("pp_measured", 1, t.description(), t.trigger(), t.steps(), t.goal(), t.exits(), t.reentry(),
        t.caps(), t.templates(), t.zone(), t.quietHours()));
    JourneyLog log = store.journeyLog();
    Instant at = store.profiles().stats().lastEvent().minus(Duration.ofDays(60));
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
    HttpResponse<String> page = get(viewer, "/journeys/pp_measured?window=P30D");
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
    String list = get(viewer, "/journeys").body();
    assertTrue(list.contains("href=\"/journeys/pp_measured\""), list);
  }

  @Test
  void destinations_addFormShowsEachMistakeBesideItsField() throws Exception {
    assertEquals(403, get(viewer, "/destinations/new").statusCode(), "a viewer may not add destinations");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("key", "Bad Key");
    form.put("segment", "");
    form.put("kind", "file");
    form.put("setting_format", "xls");
    form.put("every", "hourly");
    HttpResponse<String> r = post(marketer, "/destinations/new", form);
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

    HttpResponse<String> wrongPurpose = post(marketer, "/destinations/new", Map.of("key", "ads", "segment", "students", "kind", "meta",
        "setting_audience_id", "123", "setting_token_env", "META_TOKEN", "purpose", "analytics"));
    assertEquals(400, wrongPurpose.statusCode());
    assertTrue(wrongPurpose.body().contains("id=\"error-purpose\">a meta destination is for advertising, not analytics<"), wrongPurpose.body());
  }

  @Test
  void destinations_addDryRunAndSync_asBackgroundJobs() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("out"));
    HttpResponse<String> saved = post(marketer, "/destinations/new", Map.of("key", "students-file", "segment", "students", "kind", "file",
        "setting_folder", folder.toString(), "setting_format", "csv", "purpose", "analytics"));
    assertEquals(303, saved.statusCode(), saved.body());
    assertEquals("/destinations/students-file", saved.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> page = get(viewer, "/destinations/students-file");
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("Consent purpose: <strong>analytics</strong>"), page.body());
    assertTrue(page.body().contains("id=\"no-runs\""));
    assertFalse(page.body().contains("id=\"dry-run\""), "a viewer gets no run buttons");
    assertEquals(403, post(viewer, "/destinations/students-file/dry-run", Map.of()).statusCode());

    HttpResponse<String> dry = post(marketer, "/destinations/students-file/dry-run", Map.of());
    assertEquals(200, dry.statusCode(), dry.body());
    assertTrue(dry.body().contains("dry run of students-file started"), dry.body());
    String done = until(marketer, "/destinations/students-file", "id=\"job-result\"");
    assertTrue(done.contains("dry run, "), done);
    long members = store.destinationRuns().runs("students-file", 1).get(0).members();
    assertTrue(members > 0, "the generated shop has students");
    Matcher shown = Pattern.compile("Examples added: <code>([^<]+)</code>").matcher(done);
    assertTrue(shown.find(), "a marketer sees the examples: " + done);
    String example = shown.group(1);
    assertTrue(store.profiles().history(example).isPresent(), "an example is a member's profile id: " + example);
    String masked = get(viewer, "/destinations/students-file").body();
    assertFalse(masked.contains(example), "a viewer sees no profile id");
    assertTrue(masked.contains("<code>" + Masking.MASK + "</code>"), masked);
    assertFalse(Files.exists(folder.resolve("students-file.csv")), "a dry run sends nothing");

    assertEquals(200, post(marketer, "/destinations/students-file/sync", Map.of()).statusCode());
    String synced = until(marketer, "/destinations/students-file", "id=\"job-result\"");
    assertTrue(synced.contains("syncing students-file finished"), synced);
    assertTrue(Files.exists(folder.resolve("students-file.csv")), "the sync wrote the file");
    assertEquals(2, store.destinationRuns().runs("students-file", 10).size());

    String list = get(viewer, "/destinations").body();
    assertTrue(list.contains("href=\"/destinations/students-file\""), list);
    assertTrue(list.contains("(ok)</td><td>" + Numbers.count(members) + "</td>"), "the last run's additions: " + list);
    HttpResponse<String> missing = get(viewer, "/destinations/nowhere");
    assertEquals(400, missing.statusCode());
    assertTrue(missing.body().contains("there is no destination named &#39;nowhere&#39;"));
    assertNoTrace(missing.body());
  }

  @Test
  void destinations_failedRunShowsWhyInTheList() throws Exception {
    store.destinationDefinitions().save(new Destination("hook", "travellers", Destination.Kind.WEBHOOK,
        Map.of("url", "http://127.0.0.1:9/none", "secret_env", "SEGMENTA_TEST_UNSET_SECRET"), null, false, null, false, null));
    assertEquals(200, post(marketer, "/destinations/hook/sync", Map.of()).statusCode());
    String done = until(marketer, "/destinations/hook", "id=\"job-result\"");
    assertTrue(done.contains("failed"), done);
    String list = get(viewer, "/destinations").body();
    assertTrue(list.contains("the environment variable SEGMENTA_TEST_UNSET_SECRET (secret_env) is not set"), list);
  }

  @Test
  void history_showsSizesFlowsAndLeavers_membersOnlyUnmasked() throws Exception {
    History h = new History(store.segmentDefinitions(), store.membership(), store.history());
    // The pages read at the as-of commands use: the newest event when the generated data ended over a month ago.
    LocalDate today = AsOfDefault.of(Instant.now(), store.profiles().stats().lastEvent()).atZone(ZoneOffset.UTC).toLocalDate();
    h.backfill("luxury-buyers", today.minusDays(30), today);
    HttpResponse<String> page = get(viewer, "/segments/luxury-buyers/history");
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
    HttpResponse<String> members = get(marketer, "/segments/luxury-buyers/history?at=" + day);
    assertEquals(200, members.statusCode());
    List<String> expected = store.history().membersAt("luxury-buyers", History.endOf(today), 0, 50);
    assertFalse(expected.isEmpty());
    assertTrue(members.body().contains(">" + expected.get(0) + "</a>"), members.body());
    assertTrue(get(viewer, "/segments/luxury-buyers").body().contains("href=\"/segments/luxury-buyers/history\""));

    HttpResponse<String> bad = get(viewer, "/segments/luxury-buyers/history?from=yesterday");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("&#39;from&#39; must be a day such as 2025-06-01, got &#39;yesterday&#39;"), bad.body());
    assertNoTrace(bad.body());
    HttpResponse<String> none = get(viewer, "/segments/nobody/history");
    assertEquals(400, none.statusCode());
    assertTrue(none.body().contains("there is no saved segment named &#39;nobody&#39;"));
    HttpResponse<String> backfill = post(viewer, "/segments/luxury-buyers/history/backfill", Map.of());
    assertEquals(403, backfill.statusCode());
    assertEquals(200, post(marketer, "/segments/luxury-buyers/history/backfill", Map.of()).statusCode());
  }

  @Test
  void review_listsAlertsFindingsAndDriftPerSegment() throws Exception {
    store.alerts().raise(List.of(new Alert(Instant.now(), "travellers", Finding.Reason.SHRINKING, "40 members, 90 90 days ago (-56%)")));
    // Everyone: enough members in both periods for the index to be computed (fewer than 200 show a dash).
    new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC()).save("everyone", "not (age < 0)", "");
    String page = until(viewer, "/review", "id=\"drift\"");
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
  private static String until(Session s, String path, String marker) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String body = "";
    while (System.nanoTime() < end) {
      HttpResponse<String> r = get(s, path);
      assertEquals(200, r.statusCode(), r.body());
      body = r.body();
      if (body.contains(marker)) {
        return body;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no " + marker + " on " + path + " within a minute: " + body);
  }

  static HttpResponse<String> get(Session s, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", s.cookie()).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(Session s, String path, Map<String, String> form) throws Exception {
    Map<String, String> all = new LinkedHashMap<>(form);
    all.put("csrf", s.csrf());
    return send(path, s.cookie(), all);
  }

  private static HttpResponse<String> postWithout(Session s, String path) throws Exception {
    return send(path, s.cookie(), Map.of());
  }

  private static HttpResponse<String> send(String path, String cookie, Map<String, String> form) throws Exception {
    String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Session signIn(String name, String password) throws Exception {
    HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
    String login = cookie(form, Auth.LOGIN_COOKIE);
    HttpResponse<String> in = send("/login", login, Map.of("name", name, "password", password, "csrf", csrf(form.body())));
    assertEquals(303, in.statusCode(), in.body());
    String session = cookie(in, Auth.SESSION_COOKIE);
    HttpResponse<String> home = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/journeys")).header("Cookie", session).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Session(session, csrf(home.body()));
  }

  private static String cookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).map(c -> c.substring(0, c.indexOf(';')))
        .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers().allValues("Set-Cookie")));
  }

  private static String csrf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), "the form holds a CSRF token: " + html);
    return m.group(1);
  }
}
