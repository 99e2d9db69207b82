package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.ingest.segment.SegmentSpec;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /admin/violations over real HTTP on loopback, from a real DuckDB file. */
class ViolationRoutesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  Path dir;

  JsonNode get(Server server, String path, String auth) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofString());
    return JSON.createObjectNode().put("status", r.statusCode()).set("body", r.body().isBlank() ? null : JSON.readTree(r.body()));
  }

  @Test
  void violations_listsCountsAndExamplesPerSourceAndField() throws Exception {
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "256MB", 1, Map.of()))) {
      Instant now = Instant.parse("2025-06-02T12:00:00Z");
      SegmentSpec.Translation t = SegmentSpec.translate(List.of(JSON.readTree(
          "{\"userId\": \"u\", \"event\": \"Order Completed\", \"properties\": {\"revenue\": \"twelve\"}}")), "track", false, store.catalog().schema(), now,
          SegmentSpec.Policy.LENIENT);
      assertTrue(t.ok(), t.problems().toString());
      store.violationLog().recordViolations("shop-web", t.violations(), now);
      store.violationLog().recordViolations("shop-web", t.violations(), now.plusSeconds(60));
      Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_test_123"), "admin_secret_456", Clock.systemUTC(), dir));
      try {
        JsonNode a = get(server, "/admin/violations?source=shop-web", "Bearer admin_secret_456");
        assertEquals(200, a.get("status").asInt(), a.toString());
        JsonNode v = a.get("body").get("violations").get(0);
        assertEquals("shop-web|order|properties.revenue|number|2|'twelve'|2025-06-02T12:00:00Z|2025-06-02T12:01:00Z",
            String.join("|", v.get("source").asText(), v.get("eventType").asText(), v.get("field").asText(), v.get("expected").asText(),
                v.get("count").asText(), v.get("example").asText(), v.get("firstSeen").asText(), v.get("lastSeen").asText()));
        assertEquals(0, get(server, "/admin/violations?source=other", "Bearer admin_secret_456").get("body").get("violations").size());
        assertEquals(400, get(server, "/admin/violations?limit=0", "Bearer admin_secret_456").get("status").asInt());
        assertEquals(401, get(server, "/admin/violations", "Bearer nope").get("status").asInt());
      } finally {
        server.close();
      }
    }
  }

  HttpResponse<String> track(Server server, String key, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/track"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void track_clashKeptAndCountedForItsSourceStrictSourceRefuses() throws Exception {
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "256MB", 1, Map.of()))) {
      Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(), "admin_secret_456", Clock.systemUTC(), dir,
          Duration.ofMinutes(5), List.of(new Source("shop-web", "wk_web_1", false), new Source("backend", "wk_back_1", true)), Set.of(), null, null,
          Duration.ofSeconds(15)));
      try {
        String clash = "{\"userId\": \"u1\", \"messageId\": \"%s\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"o-1\", \"revenue\": \"twelve\"}}";
        HttpResponse<String> lenient = track(server, "wk_web_1", clash.formatted("m-web"));
        assertEquals(200, lenient.statusCode(), lenient.body());
        HttpResponse<String> strict = track(server, "wk_back_1", clash.formatted("m-back"));
        assertEquals(400, strict.statusCode(), strict.body());
        assertTrue(strict.body().contains("properties.revenue"), strict.body());
        JsonNode web = get(server, "/admin/violations?source=shop-web", "Bearer admin_secret_456").get("body").get("violations");
        assertEquals(1, web.size(), web.toString());
        assertEquals("order|properties.revenue|1", web.get(0).get("eventType").asText() + "|" + web.get(0).get("field").asText() + "|"
            + web.get(0).get("count").asText());
        assertEquals(0, get(server, "/admin/violations?source=backend", "Bearer admin_secret_456").get("body").get("violations").size());
        server.flush();
        // The lenient source's event is stored once, its clashing value kept with it; the strict source's is not stored.
        assertEquals(1, store.profiles().stats().events());
      } finally {
        server.close();
      }
    }
  }

  @Test
  void track_beyondAConfiguredSchemaLimit_isRefusedNamingTheLimit() throws Exception {
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "256MB", 1, Map.of()))) {
      Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_web_1"), "admin_secret_456", Clock.systemUTC(), dir)
          .withSchemaLimits(new SegmentSpec.Policy(false, 2, 200, 1000, 500)));
      try {
        HttpResponse<String> two = track(server, "wk_web_1", "{\"userId\": \"u1\", \"event\": \"Product Viewed\", \"properties\": {\"paper\": \"red\"}}");
        assertEquals(200, two.statusCode(), two.body());
        HttpResponse<String> three = track(server, "wk_web_1",
            "{\"userId\": \"u1\", \"event\": \"Product Viewed\", \"properties\": {\"ribbon\": \"gold\", \"card\": \"yes\", \"bow\": \"big\"}}");
        assertEquals(400, three.statusCode(), three.body());
        assertTrue(three.body().contains("new names"), three.body());
      } finally {
        server.close();
      }
    }
  }
}
