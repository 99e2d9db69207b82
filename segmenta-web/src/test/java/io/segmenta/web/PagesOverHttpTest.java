package io.segmenta.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.Totals;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.AsOfDefault;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.server.Server;
import io.segmenta.testkit.ShopGenerator;
import io.segmenta.web.auth.Role;
import io.segmenta.web.auth.Users;
import io.segmenta.web.view.Templates;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Home, Segments and CLV over HTTP on loopback, against a real store (a generated shop of 600 customers) and a real
 * server: what the pages show follows the store's writes (the statistics and saved segments the store keeps between
 * reads are read again after a write), Segments lists its segments while their figures are counted, and CLV shows
 * per-segment figures of the model it fits, the same numbers the store's own aggregates give.
 */
class PagesOverHttpTest {
  static final int CUSTOMERS = 600;
  static final String PASSWORD = "pages password 1";
  static final Pattern POLLING = Pattern.compile("hx-trigger=\"load delay");

  @TempDir
  static Path dir;
  static Store store;
  static Server server;
  static String base;
  static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    Path data = dir.resolve("db");
    store = DuckDb.open(StoreConfig.resolve(data, "1GB", 2, Map.of()));
    ShopGenerator.standard().generate(0, CUSTOMERS, CUSTOMERS, store.profiles()::write);
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    segments.save("buyers", "count(order) >= 1", "");
    segments.save("repeat-buyers", "count(order) >= 2", "");
    Users users = Users.in(data);
    users.add("ann", Role.ADMIN, PASSWORD.toCharArray());
    users.add("vic", Role.VIEWER, PASSWORD.toCharArray());
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_pages_1"), "admin-key-pages", Clock.systemUTC(), data),
        List.of(new WebApp(store, users, Clock.systemUTC())));
    base = "http://127.0.0.1:" + server.port();
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
  void home_afterANewCustomerIsWritten_countsThem() throws Exception {
    String session = signIn("ann");
    long before = number(filled("/", session), "<dd id=\"customers\">([^<]+)</dd>");
    assertEquals(store.profiles().stats().profiles(), before);
    Instant last = store.profiles().lastEvent();
    store.profiles().write(new Batch(List.of(new Profile("new-customer-1", List.of(), Map.of())),
        List.of(new Event("new-order-1", "new-customer-1", null, "order", last.minusSeconds(3600), Map.of("revenue", Value.of(50)),
            List.of(new OrderLine("sku-1", "Shoe", "shoes", 1, 50, 0))))));
    long after = number(filled("/", session), "<dd id=\"customers\">([^<]+)</dd>");
    assertEquals(before + 1, after, "the page shows the customer written after its first answer");
  }

  @Test
  void segments_afterASegmentIsSaved_listItWithItsSize() throws Exception {
    String session = signIn("ann");
    String first = get("/segments", session).body();
    assertTrue(first.contains(">buyers</a>") && first.contains(">repeat-buyers</a>"), "the names are there at once, counted or not");
    assertFalse(filled("/segments", session).contains(">big-spenders</a>"));
    new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC()).save("big-spenders", "sum(order.revenue) >= 500", "");
    String page = filled("/segments", session);
    Instant asOf = AsOfDefault.of(Instant.now(), store.profiles().lastEvent());
    long size = store.audiences().run(new AudienceQuery.Count(RuleText.parseRule("sum(order.revenue) >= 500"), asOf));
    Matcher m = Pattern.compile(">big-spenders</a>.*?<td class=\"members\">([^<]+)</td>", Pattern.DOTALL).matcher(page);
    assertTrue(m.find(), "the new segment has its figures");
    assertEquals(size, Long.parseLong(m.group(1).replace(",", "")));
    assertTrue(size > 0 && size < CUSTOMERS + 1, "a segment of some customers, got " + size);
  }

  @Test
  void segments_whileCounting_listTheSegmentsWithACountingState() {
    Map<String, Object> model = new HashMap<>(layout());
    model.put("window", SegmentsPage.WINDOW);
    model.put("pending", List.of(Map.of("name", "buyers", "rule", "count(order) >= 1")));
    model.put("segments", List.of());
    model.put("notes", List.of());
    model.put("job", Map.of("what", "valuing 1 segments", "step", "valuing", "seconds", "0.2", "running", true, "failed", false, "done", false,
        "error", "", "value", Map.of()));
    String html = new Templates().render("segments", model);
    assertTrue(html.contains(">buyers</a>"), html);
    assertTrue(html.contains("counting…"), html);
    assertTrue(html.contains("aria-busy=\"true\""), html);
    assertTrue(POLLING.matcher(html).find(), "the part asks again until counted");
  }

  @Test
  void clv_afterTheFit_showsEachSegmentsPredictedValue() throws Exception {
    String viewer = signIn("vic");
    assertTrue(filled("/clv", viewer).contains("id=\"no-clv\""), "no predictions before the fit");
    String refused = post("/clv", viewer, "");
    assertTrue(refused.contains("fitting the CLV model needs the role marketer"), refused);

    String session = signIn("ann");
    String page = post("/clv", session, "");
    assertTrue(page.contains("fitting the CLV model"), page);
    page = filled("/clv", session);
    assertTrue(page.contains("id=\"clv-chart\""), page);
    assertTrue(page.contains("href=\"/clv\""), "CLV is in the navigation");

    Instant asOf = AsOfDefault.of(Instant.now(), store.profiles().lastEvent());
    Rule buyers = RuleText.parseRule("count(order) >= 1");
    Totals t = store.audiences().totals(buyers, asOf, List.of(), List.of("clv_expected_value", "clv_p_alive"));
    assertTrue(t.counts().get(0) > 0, "the fit stored predictions");
    Matcher row = Pattern.compile(">buyers</a></th><td>([^<]+)</td><td>([^<]+)</td>.*?<td class=\"mean\">([^<]+)</td><td class=\"total\">([^<]+)</td>",
        Pattern.DOTALL).matcher(page);
    assertTrue(row.find(), page);
    assertEquals(t.members(), Long.parseLong(row.group(1).replace(",", "")));
    assertEquals(t.counts().get(0), Long.parseLong(row.group(2).replace(",", "")));
    assertEquals(String.format(Locale.ROOT, "%,.2f", t.mean(0)), row.group(3));
    assertEquals(String.format(Locale.ROOT, "%,.2f", t.sums().get(0)), row.group(4));
    assertTrue(t.sums().get(0) > 0, "a real, positive expected value");
    // A viewer sees the same figures (aggregates only) but no form to fit.
    String seen = filled("/clv", viewer);
    assertTrue(seen.contains(row.group(4)) && !seen.contains("id=\"clv-fit\""), seen);
  }

  private static Map<String, Object> layout() {
    Map<String, Object> m = new HashMap<>();
    m.put("nav", List.of());
    m.put("title", "Segments");
    m.put("user", "ann");
    m.put("role", "admin");
    m.put("csrf", "token");
    m.put("asOf", "2025-01-01T00:00:00Z");
    m.put("masked", false);
    m.put("self", "/segments");
    m.put("notice", "");
    m.put("error", "");
    return m;
  }

  /** The page once nothing on it asks again (as htmx polls). */
  static String filled(String page, String session) throws Exception {
    for (int i = 0; i < 600; i++) {
      HttpResponse<String> r = get(page, session);
      assertEquals(200, r.statusCode(), r.body());
      if (!POLLING.matcher(r.body()).find()) {
        return r.body();
      }
      Thread.sleep(200);
    }
    throw new AssertionError(page + " did not fill in within two minutes");
  }

  static long number(String html, String regex) {
    Matcher m = Pattern.compile(regex).matcher(html);
    assertTrue(m.find(), html);
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  static HttpResponse<String> get(String page, String session) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + page)).header("Cookie", session).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String post(String page, String session, String body) throws Exception {
    String csrf = csrf(get("/", session).body());
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + page)).header("Cookie", session).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf + (body.isEmpty() ? "" : "&" + body))).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static String signIn(String name) throws Exception {
    HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
    String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    String body = "csrf=" + csrf(form.body()) + "&name=" + name + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
    HttpResponse<String> in = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return in.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("segmenta_session=")).findFirst().orElseThrow().split(";")[0];
  }

  static String csrf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), "no CSRF token on the page");
    return m.group(1);
  }
}
