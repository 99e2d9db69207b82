package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.ShopGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The decision API, placements, recommendations and e-mail previews over real HTTP, on a small synthetic shop. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PersonalizeRoutesTest {
  static final String ADMIN = "admin-key-personal";
  static final String WRITE = "Basic " + Base64.getEncoder().encodeToString("wk:".getBytes(StandardCharsets.UTF_8));
  static final ObjectMapper JSON = new ObjectMapper();
  static final String HERO = """
      {"key": "home_hero", "strategy": "first_match",
       "contents": [
         {"key": "vip_offer", "rule": "segment vip", "payload": {"headline": "Early access"}, "recommendations": 3},
         {"key": "garden_inspiration", "rule": "top_interest = \\"garden\\" and intent = \\"inspiration\\"", "payload": {"headline": "Garden ideas"}},
         {"key": "reassure", "rule": "intent = \\"doubts\\"", "payload": {"headline": "Free returns for 100 days"}}],
       "fallback": {"key": "default", "payload": {"headline": "New season"}}}
      """;

  @TempDir
  static Path dir;
  Store store;
  Server server;
  String base;
  final HttpClient http = HttpClient.newHttpClient();
  String vip;
  String vipNoConsent;

  @BeforeAll
  void start() {
    ShopGenerator shop = ShopGenerator.standard();
    Instant asOf = shop.asOf();
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    shop.generate(0, 400, 400, store.profiles()::write);
    Clock clock = Clock.fixed(asOf, ZoneOffset.UTC);
    new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock).save("vip", "gross_revenue > 400", "big spenders");
    List<String> vips = store.audiences().run(new AudienceQuery.Page(RuleText.parseRule("gross_revenue > 400"), asOf, 0, 2));
    vip = vips.get(0);
    vipNoConsent = vips.get(1);
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), ADMIN, clock, dir));
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  void stop() {
    server.close();
    store.close();
  }

  HttpResponse<String> send(String method, String path, String auth, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth);
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode ok(HttpResponse<String> r) throws Exception {
    assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  JsonNode decide(String body) throws Exception {
    return ok(send("POST", "/v1/personalize", WRITE, body)).get("decisions").get(0);
  }

  @Test
  @Order(1)
  void placements_badRuleIsRefusedAndNamesTheContent() throws Exception {
    HttpResponse<String> r = send("POST", "/admin/placements", "Bearer " + ADMIN,
        "{\"key\":\"x\",\"contents\":[{\"key\":\"a\",\"rule\":\"top_intrest = \\\"garden\\\"\"}],\"fallback\":{\"key\":\"d\"}}");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("placement 'x', content 'a'") && r.body().contains("did you mean 'top_interest'"), r.body());
    assertEquals(0, ok(send("GET", "/admin/placements", "Bearer " + ADMIN, null)).size());
  }

  @Test
  @Order(2)
  void placements_saveLoadsTheDecisions() throws Exception {
    assertEquals(201, send("POST", "/admin/placements", "Bearer " + ADMIN, HERO).statusCode());
    JsonNode status = ok(send("GET", "/admin/decisions", "Bearer " + ADMIN, null));
    assertEquals("home_hero", status.get("placements").get(0).asText());
    assertEquals(400, status.get("profiles").asInt());
    assertEquals("vip", status.get("segmentsLoaded").get(0).asText());
    assertTrue(status.get("recommender").get("products").asInt() > 10, status.toString());
  }

  @Test
  @Order(3)
  void personalize_followsConsent() throws Exception {
    // Personalization is opt-in: without a recorded choice the VIP sees the default.
    JsonNode before = decide("{\"userId\": \"" + vip + "\"}");
    assertEquals("default", before.get("content").asText());
    assertTrue(before.get("reason").asText().startsWith("no consent"), before.toString());
    ok(send("PUT", "/admin/profiles/" + vip + "/consent", "Bearer " + ADMIN, "{\"personalization\": true}"));
    JsonNode after = decide("{\"userId\": \"" + vip + "\"}");
    assertEquals("vip_offer", after.get("content").asText(), after.toString());
    assertEquals("segment vip", after.get("rule").asText());
    assertEquals(3, after.get("items").size(), after.toString());
    assertEquals("Early access", after.get("payload").get("headline").asText());
    assertEquals("default", decide("{\"userId\": \"" + vipNoConsent + "\"}").get("content").asText());
    // Withdrawing takes effect at once.
    ok(send("PUT", "/admin/profiles/" + vip + "/consent", "Bearer " + ADMIN, "{\"personalization\": false}"));
    assertEquals("default", decide("{\"userId\": \"" + vip + "\"}").get("content").asText());
    ok(send("PUT", "/admin/profiles/" + vip + "/consent", "Bearer " + ADMIN, "{\"personalization\": true}"));
  }

  @Test
  @Order(4)
  void personalize_anonymousSessionIntentAndInterests() throws Exception {
    String browse = "{\"anonymousId\": \"anon-77\", \"context\": {\"page\": {\"url\": \"https://shop.example/garden\", \"referrer\": \"https://www.google.com/\"}},"
        + " \"clicks\": [{\"kind\": \"product\", \"category\": \"garden\", \"productId\": \"g1\", \"timestamp\": \"2025-12-31T23:50:00Z\"},"
        + "{\"kind\": \"product\", \"category\": \"garden\", \"productId\": \"g2\"}, {\"kind\": \"category\", \"category\": \"home\"},"
        + "{\"kind\": \"category\", \"category\": \"books\"}, {\"kind\": \"category\", \"category\": \"garden\"}, {\"kind\": \"product\", \"category\": \"garden\", \"productId\": \"g3\"},"
        + "{\"kind\": \"category\", \"category\": \"kitchen\"}]}";
    JsonNode all = ok(send("POST", "/v1/personalize", WRITE, browse));
    assertEquals("inspiration", all.get("intent").asText(), all.toString());
    assertEquals("garden", all.get("topInterest").asText());
    assertEquals("garden_inspiration", all.get("decisions").get(0).get("content").asText());
    // The same visitor reads the returns page: doubts now outweigh inspiration.
    JsonNode doubts = ok(send("POST", "/v1/personalize", WRITE, "{\"anonymousId\": \"anon-77\", \"clicks\": [{\"url\": \"/help/returns\"},"
        + "{\"url\": \"/help/shipping\"}, {\"url\": \"/help/returns\"}]}"));
    assertEquals("doubts", doubts.get("intent").asText());
    assertEquals("reassure", doubts.get("decisions").get(0).get("content").asText());
    // Declining personalization in the request gives the default.
    JsonNode declined = decide("{\"anonymousId\": \"anon-77\", \"context\": {\"consent\": {\"categoryPreferences\": {\"personalization\": false}}}}");
    assertEquals("default", declined.get("content").asText());
  }

  @Test
  @Order(5)
  void personalize_badRequestsNameTheField() throws Exception {
    HttpResponse<String> none = send("POST", "/v1/personalize", WRITE, "{\"placements\": [\"home_hero\"]}");
    assertEquals(400, none.statusCode());
    assertTrue(none.body().contains("userId or an anonymousId"), none.body());
    HttpResponse<String> kind = send("POST", "/v1/personalize", WRITE, "{\"anonymousId\": \"a\", \"clicks\": [{\"kind\": \"wishlist\"}]}");
    assertEquals(400, kind.statusCode());
    assertTrue(kind.body().contains("clicks[0]: unknown click kind 'wishlist'"), kind.body());
    HttpResponse<String> place = send("POST", "/v1/personalize", WRITE, "{\"anonymousId\": \"a\", \"placements\": [\"footer\"]}");
    assertEquals(400, place.statusCode());
    assertTrue(place.body().contains("there is no placement 'footer'"), place.body());
    assertEquals(403, send("POST", "/v1/personalize", "Bearer " + ADMIN, "{\"anonymousId\": \"a\"}").statusCode());
  }

  @Test
  @Order(6)
  void recommendationsAndEmailPreview() throws Exception {
    JsonNode recs = ok(send("GET", "/admin/recommendations/" + vip + "?n=5&new=true", "Bearer " + ADMIN, null));
    assertTrue(recs.get("personal").asBoolean());
    assertEquals(5, recs.get("items").size());
    String template = "{\"template\": {\"key\": \"thanks\", \"subject\": \"Hi {{ nickname }}, thanks for order {{ orders }}\","
        + " \"body\": \"<p>Hi {{ first_name }}</p>{% if segments contains \\\"vip\\\" %}<b>VIP</b>{% endif %}{% for i in recommendations %}<i>{{ i.product_id }}</i>{% endfor %}\","
        + " \"defaults\": {\"nickname\": \"friend\"}, \"recommendations\": 2}, \"profileId\": \"" + vip + "\"}";
    JsonNode e = ok(send("POST", "/admin/emails/preview", "Bearer " + ADMIN, template));
    assertTrue(e.get("subject").asText().startsWith("Hi friend, thanks for order "), e.toString());
    assertTrue(e.get("html").asText().contains("<b>VIP</b>"), e.toString());
    assertEquals(2, e.get("html").asText().split("<i>").length - 1, e.toString());
    assertEquals("nickname", e.get("defaulted").get(0).asText());
    HttpResponse<String> missing = send("POST", "/admin/emails/preview", "Bearer " + ADMIN, template.replace("{{ nickname }}", "{{ nick }}"));
    assertEquals(400, missing.statusCode());
    assertTrue(missing.body().contains("template 'thanks', subject"), missing.body());
  }

  @Test
  @Order(7)
  void tracking_feedsTheSessionAndIdentifyCarriesItOver() throws Exception {
    String views = "{\"batch\": [" + String.join(",", Collections.nCopies(3,
        "{\"type\": \"track\", \"anonymousId\": \"anon-tracked\", \"event\": \"Product Viewed\", \"timestamp\": \"2025-06-30T22:55:00Z\","
            + " \"properties\": {\"category\": \"garden\", \"product_id\": \"g9\"}}")) + "]}";
    assertEquals(200, send("POST", "/v1/batch", WRITE, views).statusCode());
    JsonNode anon = ok(send("POST", "/v1/personalize", WRITE, "{\"anonymousId\": \"anon-tracked\"}"));
    assertEquals("garden", anon.get("topInterest").asText(), anon.toString());
    assertEquals(200, send("POST", "/v1/identify", WRITE,
        "{\"anonymousId\": \"anon-tracked\", \"userId\": \"new-customer-1\", \"traits\": {\"first_name\": \"Ida\"}}").statusCode());
    JsonNode known = ok(send("POST", "/v1/personalize", WRITE, "{\"userId\": \"new-customer-1\"}"));
    assertEquals("garden", known.get("topInterest").asText(), known.toString());
    // Not in the index yet and no consent in the request: the interests are known, the content stays the default.
    assertFalse(known.get("personalized").asBoolean());
  }

  @Test
  @Order(8)
  void erasure_removesTheProfileFromDecisionsAtOnce() throws Exception {
    int before = ok(send("POST", "/admin/decisions/reload", "Bearer " + ADMIN, null)).get("profiles").asInt();
    ok(send("DELETE", "/admin/profiles/" + vip, "Bearer " + ADMIN, null));
    JsonNode d = decide("{\"userId\": \"" + vip + "\"}");
    assertEquals("default", d.get("content").asText(), d.toString());
    JsonNode status = ok(send("POST", "/admin/decisions/reload", "Bearer " + ADMIN, null));
    assertEquals(before - 1, status.get("profiles").asInt());
    JsonNode afterReload = ok(send("POST", "/v1/personalize", WRITE, "{\"userId\": \"" + vip + "\"}"));
    assertFalse(afterReload.get("known").asBoolean());
  }
}
