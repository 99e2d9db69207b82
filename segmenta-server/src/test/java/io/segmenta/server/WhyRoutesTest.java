package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /admin/segments/{name}/why/{profile} over real HTTP on a small synthetic shop. */
class WhyRoutesTest {
  @TempDir
  Path dir;

  @Test
  void why_overHttp_agreesWithEvaluatorAndNamesMistakes() throws Exception {
    ShopGenerator shop = ShopGenerator.standard();
    Instant asOf = shop.asOf();
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()))) {
      shop.generate(0, 200, 200, store.profiles()::write);
      Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.fixed(asOf, ZoneOffset.UTC));
      segments.save("repeat", "count(order in last 365 days) >= 2", "");
      segments.save("repeat-young", "segment \"repeat\" and age < 40", "");
      try (Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), "admin-key-w", Clock.fixed(asOf, ZoneOffset.UTC), dir))) {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port();
        Evaluator ev = Evaluator.strict(asOf, segments.resolver());
        int in = 0;
        int out = 0;
        for (String id : store.profiles().profileIds().subList(0, 40)) {
          HttpResponse<String> r = get(http, base + "/admin/segments/repeat-young/why/" + id, "admin-key-w");
          assertEquals(200, r.statusCode(), r.body());
          JsonNode j = new ObjectMapper().readTree(r.body());
          ProfileHistory h = store.profiles().history(id).orElseThrow();
          boolean member = ev.matches(RuleText.parseRule("segment \"repeat-young\""), h);
          assertEquals(member, j.get("member").asBoolean(), id);
          assertEquals("segment", j.get("trace").get("steps").get(0).get("kind").asText());
          assertEquals(asOf.toString(), j.get("as_of").asText());
          if (member) {
            in++;
          } else {
            out++;
            assertTrue(j.get("closest_miss").size() > 0, r.body());
          }
        }
        assertTrue(in > 0 && out > 0, in + " in, " + out + " out");

        HttpResponse<String> unknown = get(http, base + "/admin/segments/repeet/why/" + store.profiles().profileIds().get(0), "admin-key-w");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("there is no saved segment named 'repeet' (did you mean 'repeat'?)"), unknown.body());
        HttpResponse<String> nobody = get(http, base + "/admin/segments/repeat/why/nobody", "admin-key-w");
        assertEquals(404, nobody.statusCode());
        assertTrue(nobody.body().contains("there is no profile with id 'nobody'"), nobody.body());
        HttpResponse<String> badAsOf = get(http, base + "/admin/segments/repeat/why/nobody?asOf=soon", "admin-key-w");
        assertEquals(400, badAsOf.statusCode());
        assertFalse(badAsOf.body().contains("at io.segmenta"), "no stack trace");
        assertEquals(403, get(http, base + "/admin/segments/repeat/why/nobody", "wk").statusCode(), "a write key is not an admin key");
      }
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url, String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
  }
}
