package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.campaign.Arbitration;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.campaign.CampaignAudiences;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.personalize.json.PlacementJson;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
 * The Campaigns pages over HTTP on loopback, on a real store (a generated shop of 300 customers, two saved segments)
 * served by a real server: the list in arbitration's order with the people each campaign wins, one campaign's page,
 * the add form's mistakes beside their fields, removal refused while a destination is bound, roles and CSRF.
 */
class CampaignsPageTest {
  @TempDir
  static Path dir;
  static Store store;
  static Server server;
  static String base;
  static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  static Session marketer;
  static Session viewer;

  record Session(String cookie, String csrf) {}

  @BeforeAll
  static void start() throws Exception {
    Path data = dir.resolve("db");
    store = DuckDb.open(StoreConfig.resolve(data, "1GB", 2, Map.of()));
    ShopGenerator.standard().generate(0, 300, 300, store.profiles()::write);
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    for (String name : List.of("students", "travellers")) {
      segments.save(name, ExampleSegments.ALL.get(name).rule(), "");
    }
    store.placementDefinitions().save(PlacementJson.parse("{\"key\": \"home_banner\", \"strategy\": \"first_match\", \"contents\": [],"
        + " \"fallback\": {\"key\": \"default\", \"payload\": {\"headline\": \"New season\"}}}"));
    // E-mail consent for every customer, so the e-mail campaigns below win people (the generated shop records none).
    for (int i = 0; i < 300; i++) {
      store.consent().recordConsent(String.format("c%07d", i), List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true,
          Instant.parse("2025-01-01T00:00:00Z"), "test")));
    }
    Users users = Users.in(data);
    users.add("rae", Role.MARKETER, "marketer password 1".toCharArray());
    users.add("vic", Role.VIEWER, "viewer password 1".toCharArray());
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_campaign_pages_1"), "admin-key-campaign-pages", Clock.systemUTC(), data),
        List.of(new WebApp(store, users, Clock.systemUTC())));
    base = "http://127.0.0.1:" + server.port();
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
  void add_marketerSavesTwoCampaigns_listInArbitrationOrderWithWins() throws Exception {
    HttpResponse<String> low = post(marketer, "/campaigns/new", Map.of("key", "students-mail", "segment", "students", "priority", "1",
        "email_template", "welcome", "description", "the students' welcome"));
    assertEquals(303, low.statusCode(), low.body());
    assertEquals("/campaigns/students-mail", low.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> high = post(marketer, "/campaigns/new", Map.of("key", "students-web", "segment", "students", "priority", "9",
        "web_placement", "home_banner", "web_payload", "{\"headline\": \"Student days\"}", "email_template", "student_days"));
    assertEquals(303, high.statusCode(), high.body());
    Campaign saved = store.campaignDefinitions().find("students-web").orElseThrow();
    assertEquals("{\"headline\":\"Student days\"}", saved.web().payload());

    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    Map<String, Set<String>> won = CampaignAudiences.winners(new Arbitration(store.campaignDefinitions().all()), store.audiences(),
        segments::ruleOf, Clock.systemUTC().instant());
    String list = get(viewer, "/campaigns").body();
    assertTrue(list.contains("id=\"campaigns\""), list);
    assertTrue(list.indexOf("href=\"/campaigns/students-web\"") < list.indexOf("href=\"/campaigns/students-mail\""), "higher priority first");
    assertTrue(won.getOrDefault("students-web", Set.of()).size() > 0, "the students' e-mail campaign wins the students: " + won);
    for (String k : List.of("students-web", "students-mail")) {
      assertEquals(List.of(Numbers.count(won.getOrDefault(k, Set.of()).size())),
          matches(list, "href=\"/campaigns/" + k + "\">" + k + "</a>.*?<td class=\"wins\">([^<]+)<"), list);
    }
    assertEquals(Set.of(), won.getOrDefault("students-mail", Set.of()), "the higher-priority campaign of the same segment takes everyone");
    assertTrue(won.getOrDefault("students-mail", Set.of()).stream().noneMatch(won.getOrDefault("students-web", Set.of())::contains),
        "one campaign per person");
    assertFalse(list.contains("id=\"add-campaign\""), "a viewer reads only");

    String page = get(viewer, "/campaigns/students-web").body();
    assertTrue(page.contains("id=\"rank\">1 of 2 (priority 9)<"), page);
    assertTrue(page.contains("home_banner") && page.contains("student_days"), page);
    assertFalse(page.contains("id=\"remove-campaign\""), "a viewer may not remove");
    assertTrue(get(marketer, "/campaigns/students-web").body().contains("id=\"remove-campaign\""));
    HttpResponse<String> missing = get(viewer, "/campaigns/nowhere");
    assertEquals(400, missing.statusCode(), missing.body());
    assertTrue(missing.body().contains("there is no campaign named &#39;nowhere&#39;"), missing.body());
    assertFalse(missing.body().contains("Exception"), "no stack trace");
  }

  @Test
  void add_badFields_eachMistakeBesideItsField() throws Exception {
    assertEquals(403, get(viewer, "/campaigns/new").statusCode(), "a viewer may not add campaigns");
    assertEquals(403, post(viewer, "/campaigns/new", Map.of("key", "v", "segment", "students", "email_template", "t")).statusCode());
    Map<String, String> form = new LinkedHashMap<>();
    form.put("key", "bad1");
    form.put("segment", "students");
    form.put("priority", "1.5");
    form.put("web_placement", "home_banner");
    form.put("web_payload", "{not json");
    HttpResponse<String> r = post(marketer, "/campaigns/new", form);
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains("the campaign was not saved: 2 fields need attention"), r.body());
    assertTrue(r.body().contains("id=\"error-priority\">&#39;priority&#39; must be a whole number, got 1.5<"), r.body());
    assertTrue(r.body().contains("id=\"error-web_payload\">web.payload must be JSON"), r.body());
    HttpResponse<String> noSegment = post(marketer, "/campaigns/new", Map.of("key", "bad2", "segment", "nobody", "email_template", "t"));
    assertEquals(400, noSegment.statusCode(), noSegment.body());
    assertTrue(noSegment.body().contains("id=\"error-segment\">segment: there is no saved segment &#39;nobody&#39;<"), noSegment.body());
    HttpResponse<String> noChannel = post(marketer, "/campaigns/new", Map.of("key", "bad3", "segment", "students"));
    assertTrue(noChannel.body().contains("id=\"error-form\">campaign bad3 needs a variant for at least one channel"), noChannel.body());
    HttpResponse<String> badKey = post(marketer, "/campaigns/new", Map.of("key", "Bad Key", "segment", "students", "email_template", "t"));
    assertTrue(badKey.body().contains("id=\"error-key\">campaign key must be lower-case letters"), badKey.body());
    assertTrue(store.campaignDefinitions().all().stream().noneMatch(c -> c.key().startsWith("bad")), "nothing was saved");
    HttpResponse<String> noCsrf = send("/campaigns/new", marketer.cookie(), Map.of("key", "nocsrf", "segment", "students", "email_template", "t"));
    assertEquals(403, noCsrf.statusCode(), noCsrf.body());
    assertTrue(store.campaignDefinitions().find("nocsrf").isEmpty());
  }

  @Test
  void remove_boundCampaignRefusedWithTheApisMessage_unboundRemoved() throws Exception {
    assertEquals(303, post(marketer, "/campaigns/new", Map.of("key", "travel-ads", "segment", "travellers", "email_template", "t")).statusCode());
    store.destinationDefinitions().save(new Destination("travel-file", "travellers", Destination.Kind.FILE,
        Map.of("folder", dir.resolve("out").toString(), "format", "csv"), null, false, null, false, "travel-ads"));
    assertEquals(403, post(viewer, "/campaigns/travel-ads/remove", Map.of()).statusCode(), "a viewer may not remove");
    HttpResponse<String> refused = post(marketer, "/campaigns/travel-ads/remove", Map.of());
    assertEquals(400, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("campaign &#39;travel-ads&#39; is the ad audience of destination travel-file; remove or rebind it first"),
        refused.body());
    assertTrue(store.campaignDefinitions().find("travel-ads").isPresent());
    store.destinationDefinitions().delete("travel-file");
    HttpResponse<String> removed = post(marketer, "/campaigns/travel-ads/remove", Map.of());
    assertEquals(303, removed.statusCode(), removed.body());
    assertEquals("/campaigns", removed.headers().firstValue("Location").orElseThrow());
    assertTrue(store.campaignDefinitions().find("travel-ads").isEmpty());
  }

  static List<String> matches(String html, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(html);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static HttpResponse<String> get(Session s, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", s.cookie()).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(Session s, String path, Map<String, String> form) throws Exception {
    Map<String, String> all = new LinkedHashMap<>(form);
    all.put("csrf", s.csrf());
    return send(path, s.cookie(), all);
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
    HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/campaigns")).header("Cookie", session).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Session(session, csrf(page.body()));
  }

  private static String cookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).map(c -> c.substring(0, c.indexOf(';')))
        .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers().allValues("Set-Cookie")));
  }

  private static String csrf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), "the page holds a CSRF token: " + html);
    return m.group(1);
  }
}
