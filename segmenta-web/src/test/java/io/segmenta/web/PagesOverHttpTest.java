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
import io.segmenta.core.value.AsOfDefault;
import io.segmenta.core.value.Value;
import io.segmenta.web.auth.Role;
import io.segmenta.web.view.Templates;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  @RegisterExtension
  static final WebFixture WEB = WebFixture.shop(CUSTOMERS).with(store -> {
    Segments segments = WebFixture.segments(store);
    segments.save("buyers", "count(order) >= 1", "");
    segments.save("repeat-buyers", "count(order) >= 2", "");
  }).user("ann", Role.ADMIN, PASSWORD).user("vic", Role.VIEWER, PASSWORD);

  @Test
  void home_afterANewCustomerIsWritten_countsThem() throws Exception {
    WebFixture.Session session = WEB.signIn("ann", PASSWORD);
    long before = number(filled("/", session), "<dd id=\"customers\">([^<]+)</dd>");
    assertEquals(WEB.store().profiles().stats().profiles(), before);
    Instant last = WEB.store().profiles().lastEvent();
    WEB.store().profiles().write(new Batch(List.of(new Profile("new-customer-1", List.of(), Map.of())),
        List.of(new Event("new-order-1", "new-customer-1", null, "order", last.minusSeconds(3600), Map.of("revenue", Value.of(50)),
            List.of(new OrderLine("sku-1", "Shoe", "shoes", 1, 50, 0))))));
    long after = number(filled("/", session), "<dd id=\"customers\">([^<]+)</dd>");
    assertEquals(before + 1, after, "the page shows the customer written after its first answer");
  }

  @Test
  void segments_afterASegmentIsSaved_listItWithItsSize() throws Exception {
    WebFixture.Session session = WEB.signIn("ann", PASSWORD);
    String first = WEB.get(session, "/segments").body();
    assertTrue(first.contains(">buyers</a>") && first.contains(">repeat-buyers</a>"), "the names are there at once, counted or not");
    assertFalse(filled("/segments", session).contains(">big-spenders</a>"));
    WEB.segments().save("big-spenders", "sum(order.revenue) >= 500", "");
    String page = filled("/segments", session);
    Instant asOf = AsOfDefault.of(Instant.now(), WEB.store().profiles().lastEvent());
    long size = WEB.store().audiences().run(new AudienceQuery.Count(RuleText.parseRule("sum(order.revenue) >= 500"), asOf));
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
    WebFixture.Session viewer = WEB.signIn("vic", PASSWORD);
    assertTrue(filled("/clv", viewer).contains("id=\"no-clv\""), "no predictions before the fit");
    String refused = WEB.post(viewer, "/clv", Map.of()).body();
    assertTrue(refused.contains("fitting the CLV model needs the role marketer"), refused);

    WebFixture.Session session = WEB.signIn("ann", PASSWORD);
    String page = WEB.post(session, "/clv", Map.of()).body();
    assertTrue(page.contains("fitting the CLV model"), page);
    page = filled("/clv", session);
    assertTrue(page.contains("id=\"clv-chart\""), page);
    assertTrue(page.contains("href=\"/clv\""), "CLV is in the navigation");

    Instant asOf = AsOfDefault.of(Instant.now(), WEB.store().profiles().lastEvent());
    Rule buyers = RuleText.parseRule("count(order) >= 1");
    Totals t = WEB.store().audiences().totals(buyers, asOf, List.of(), List.of("clv_expected_value", "clv_p_alive"));
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
  static String filled(String page, WebFixture.Session session) throws Exception {
    for (int i = 0; i < 600; i++) {
      HttpResponse<String> r = WEB.get(session, page);
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
}
