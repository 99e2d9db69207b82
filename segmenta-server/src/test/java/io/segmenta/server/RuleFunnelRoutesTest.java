package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.ShopGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /admin/rules/funnel} over real HTTP on a small synthetic shop: each step is the count of the rule's
 * prefix, each purpose's reach the export count for it, the as-of is honoured; bad input gets a 400 naming the field.
 */
class RuleFunnelRoutesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> PARTS = List.of("count(order in last 365 days) >= 1", "income >= 30000", "days_since(session) < 400");
  static final String KEY = "adm_funnel_1";

  @TempDir
  static Path dir;
  static Store store;
  static Server server;
  static Instant asOf;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    ShopGenerator shop = ShopGenerator.standard();
    asOf = shop.asOf();
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    shop.generate(0, 400, 400, store.profiles()::write);
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_funnel_1"), KEY, Clock.fixed(asOf, ZoneOffset.UTC), dir));
  }

  @AfterAll
  static void stop() {
    server.close();
    store.close();
  }

  static HttpResponse<String> post(String body, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/admin/rules/funnel"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String body(String rule, String at) {
    ObjectNode o = JSON.createObjectNode().put("rule", rule);
    if (at != null) {
      o.put("asOf", at);
    }
    return o.toString();
  }

  @Test
  void funnel_stepsAreThePrefixCountsAndReachTheExportsPerPurpose() throws Exception {
    HttpResponse<String> r = post(body(String.join(" and ", PARTS), null), KEY);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = JSON.readTree(r.body());
    assertEquals(asOf.toString(), j.get("asOf").asText(), "the server's clock is the default as-of");
    assertEquals(400, j.get("population").asLong());
    assertFalse(j.get("sampled").asBoolean(), "400 profiles are counted exactly");
    assertEquals(1, j.get("sampleEvery").asInt());
    JsonNode steps = j.get("funnel");
    assertEquals(PARTS.size(), steps.size(), r.body());
    for (int k = 0; k < PARTS.size(); k++) {
      Rule prefix = RuleText.parseRule(String.join(" and ", PARTS.subList(0, k + 1)));
      assertEquals(store.audiences().run(new AudienceQuery.Count(prefix, asOf)), steps.get(k).get("size").asLong(), "step " + k + " in " + r.body());
      assertEquals(0, steps.get(k).get("margin").asLong());
      assertTrue(steps.get(k).get("condition").asText().length() > 0);
    }
    long size = j.get("size").asLong();
    assertEquals(steps.get(PARTS.size() - 1).get("size").asLong(), size);
    assertTrue(size > 0 && steps.get(0).get("size").asLong() < 400, "the rule narrows but keeps someone: " + r.body());
    JsonNode reach = j.get("reachable");
    assertEquals(Purpose.values().length, reach.size());
    Rule rule = RuleText.parseRule(String.join(" and ", PARTS));
    for (int p = 0; p < Purpose.values().length; p++) {
      Purpose purpose = Purpose.values()[p];
      assertEquals(purpose.label(), reach.get(p).get("purpose").asText());
      assertEquals(store.audiences().run(new AudienceQuery.Export(rule, asOf, List.of(), purpose, m -> { })), reach.get(p).get("size").asLong(), purpose.label());
    }
    assertTrue(j.get("cost").get("rowsScanned").asLong() > 400, r.body());
    assertTrue(j.get("cost").get("millis").asLong() >= 0);
  }

  @Test
  void funnel_asOfAndJsonRules_areHonoured() throws Exception {
    Instant earlier = asOf.minusSeconds(200L * 86_400);
    HttpResponse<String> r = post(body("count(order in last 365 days) >= 1", earlier.toString()), KEY);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = JSON.readTree(r.body());
    assertEquals(earlier.toString(), j.get("asOf").asText());
    assertEquals(store.audiences().run(new AudienceQuery.Count(RuleText.parseRule("count(order in last 365 days) >= 1"), earlier)),
        j.get("funnel").get(0).get("size").asLong());
    HttpResponse<String> json = post("{\"rule\": {\"country\": \"SE\"}}", KEY);
    assertEquals(200, json.statusCode(), json.body());
    assertEquals(store.audiences().run(new AudienceQuery.Count(RuleText.parseRule("country = \"SE\""), asOf)), JSON.readTree(json.body()).get("size").asLong());
  }

  @Test
  void funnel_badInput_isA400NamingTheField() throws Exception {
    HttpResponse<String> missing = post("{\"asOf\": \"2025-06-01\"}", KEY);
    assertEquals(400, missing.statusCode(), missing.body());
    assertTrue(missing.body().contains("'rule'"), missing.body());
    HttpResponse<String> syntax = post(body("income >= and age > 3", null), KEY);
    assertEquals(400, syntax.statusCode(), syntax.body());
    assertTrue(syntax.body().contains("line 1"), syntax.body());
    HttpResponse<String> unknown = post(body("incme >= 3", null), KEY);
    assertEquals(400, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("incme"), unknown.body());
    HttpResponse<String> asOfBad = post(body("income >= 3", "last tuesday"), KEY);
    assertEquals(400, asOfBad.statusCode(), asOfBad.body());
    assertTrue(asOfBad.body().contains("'asOf'") && asOfBad.body().contains("last tuesday"), asOfBad.body());
    HttpResponse<String> notJson = post("rule=income", KEY);
    assertEquals(400, notJson.statusCode(), notJson.body());
    HttpResponse<String> array = post("{\"rule\": [1, 2]}", KEY);
    assertEquals(400, array.statusCode(), array.body());
    HttpResponse<String> huge = post(body("income >= 3 and " + "age > 1 and ".repeat(30_000) + "age > 2", null), KEY);
    assertEquals(413, huge.statusCode(), "a body over 256 KiB");
    for (HttpResponse<String> bad : List.of(missing, syntax, unknown, asOfBad, notJson, array)) {
      assertFalse(bad.body().contains("at io.segmenta") || bad.body().contains("Exception"), "no stack trace: " + bad.body());
    }
    assertEquals(401, post(body("income >= 3", null), null).statusCode(), "no key");
    assertEquals(403, post(body("income >= 3", null), "wk_funnel_1").statusCode(), "a write key is not an admin key");
  }
}
