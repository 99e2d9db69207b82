package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.RuleText;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.ShopGenerator;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trait summaries and breakdowns through the admin API, on a small synthetic shop over real HTTP. */
class SummaryRoutesTest {
  @TempDir
  Path dir;

  @Test
  void traitsAndBreakdown_overHttp() throws Exception {
    ShopGenerator shop = ShopGenerator.standard();
    Instant asOf = shop.asOf();
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()))) {
      shop.generate(0, 400, 400, store.profiles()::write);
      try (Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), "admin-key-s", Clock.fixed(asOf, ZoneOffset.UTC), dir))) {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port();
        String students = URLEncoder.encode("occupation = \"student\"", StandardCharsets.UTF_8);
        HttpResponse<String> t = get(http, base + "/admin/traits?segment=" + students + "&everyone=true&trait=age&trait=occupation", "admin-key-s");
        assertEquals(200, t.statusCode(), t.body());
        JsonNode j = new ObjectMapper().readTree(t.body());
        assertEquals(asOf.toString(), j.get("as_of").asText(), "the server's clock is the instant");
        assertEquals(store.audiences().run(new AudienceQuery.Count(RuleText.parseRule("occupation = \"student\""), asOf)), j.get("members").asLong());
        JsonNode age = j.get("traits").get(0);
        assertEquals("age", age.get("name").asText());
        assertTrue(age.get("segment").get("numbers").get("median").isNumber());
        assertEquals(400, age.get("everyone").get("profiles").asInt());

        HttpResponse<String> b = get(http, base + "/admin/breakdown?by=country&outcome=" + URLEncoder.encode("orders >= 2", StandardCharsets.UTF_8), "admin-key-s");
        assertEquals(200, b.statusCode(), b.body());
        JsonNode bj = new ObjectMapper().readTree(b.body());
        assertEquals(400, bj.get("population").asInt());
        assertTrue(bj.get("groups").get(0).get("rate_low_95").isNumber());
        assertTrue(bj.get("chi_square").get("degrees_of_freedom").asInt() >= 1);

        HttpResponse<String> none = get(http, base + "/admin/breakdown", "admin-key-s");
        assertEquals(400, none.statusCode());
        assertTrue(none.body().contains("by: give one or two traits"), none.body());
        HttpResponse<String> unknown = get(http, base + "/admin/traits?trait=incom", "admin-key-s");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("unknown trait 'incom'"), unknown.body());
        assertFalse(unknown.body().contains("at io.segmenta"), "no stack trace");
        HttpResponse<String> bins = get(http, base + "/admin/breakdown?by=income&bins=99", "admin-key-s");
        assertEquals(400, bins.statusCode());
        assertTrue(bins.body().contains("'bins' must be between 2 and 20, got 99"), bins.body());
        assertEquals(403, get(http, base + "/admin/traits", "wk").statusCode(), "a write key is not an admin key");
      }
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url, String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
  }
}
