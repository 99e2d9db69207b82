package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** Clusters and lookalikes through the admin API, on a small synthetic shop. */
class ModelRoutesTest {
  @TempDir
  Path dir;

  @Test
  void clustersAndLookalikes_overHttp() throws Exception {
    ShopGenerator shop = ShopGenerator.standard();
    Instant asOf = shop.asOf();
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()))) {
      shop.generate(0, 600, 600, store.profiles()::write);
      try (Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), "admin-key-ml", Clock.fixed(asOf, ZoneOffset.UTC), dir))) {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port();
        HttpResponse<String> c = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/clusters")).header("Authorization", "Bearer admin-key-ml")
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"k\": 3, \"save\": \"cl\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, c.statusCode(), c.body());
        JsonNode j = new ObjectMapper().readTree(c.body());
        assertEquals(3, j.get("clusters").size());
        int total = 0;
        for (JsonNode x : j.get("clusters")) {
          total += x.get("size").asInt();
        }
        assertEquals(j.get("customers").asInt(), total);
        assertTrue(j.get("saved").size() >= 2);
        HttpResponse<String> l = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/lookalikes")).header("Authorization", "Bearer admin-key-ml")
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                "{\"seed\": \"count(order) >= 6\", \"likeBut\": \"return_rate < 0.5\", \"save\": \"loyal-like\", \"tier\": 10, \"evaluate\": true}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, l.statusCode(), l.body());
        JsonNode lj = new ObjectMapper().readTree(l.body());
        assertEquals(4, lj.get("tiers").size());
        assertEquals("loyal-like", lj.get("saved").asText());
        assertTrue(lj.get("recovery").get(3).get("lift").asDouble() > 1.5, lj.get("recovery").toString());
        HttpResponse<String> seg = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/segments/loyal-like")).header("Authorization", "Bearer admin-key-ml").build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, seg.statusCode(), seg.body());
        HttpResponse<String> sv = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/surveys")).header("Authorization", "Bearer admin-key-ml")
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"by\": \"email\", \"answers\": ["
                + "{\"respondent\": \"c0000001@example.com\", \"question\": \"Style\", \"answer\": \"classic\", \"answeredAt\": \"2025-06-01\"},"
                + "{\"respondent\": \"c0000002@example.com\", \"question\": \"Style\", \"answer\": \"sporty\", \"answeredAt\": \"2025-06-01\"},"
                + "{\"respondent\": \"nobody@example.com\", \"question\": \"Style\", \"answer\": \"sporty\", \"answeredAt\": \"2025-06-01\"}]}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sv.statusCode(), sv.body());
        JsonNode svj = new ObjectMapper().readTree(sv.body());
        assertEquals(2, svj.get("answers").asInt());
        assertEquals(1, svj.get("unmatched").size());
        HttpResponse<String> rep = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/surveys/Style?by=count(order)%20%3E%3D%201")).header("Authorization", "Bearer admin-key-ml").build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rep.statusCode(), rep.body());
        assertEquals(2, new ObjectMapper().readTree(rep.body()).get("answers").size());
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/lookalikes")).header("Authorization", "Bearer admin-key-ml")
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"seed\": \"count(order) >= 6\", \"tier\": 3}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bad.statusCode());
      }
    }
  }
}
