package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.ingest.SegmentSpec;
import io.segmenta.core.port.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
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
          "{\"userId\": \"u\", \"event\": \"Order Completed\", \"properties\": {\"revenue\": \"twelve\"}}")), "track", false, store.schema(), now,
          SegmentSpec.Policy.LENIENT);
      assertTrue(t.ok(), t.problems().toString());
      store.recordViolations("shop-web", t.violations(), now);
      store.recordViolations("shop-web", t.violations(), now.plusSeconds(60));
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
}
