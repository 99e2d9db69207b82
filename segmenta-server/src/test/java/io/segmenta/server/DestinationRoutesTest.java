package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API of destinations over real HTTP on loopback, from a real DuckDB file; the job shows in /admin/status. */
class DestinationRoutesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  Path dir;

  JsonNode call(Server server, String method, String path, String body) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer admin_secret_456").header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.createObjectNode().put("status", r.statusCode()).set("body", r.body().isBlank() ? null : JSON.readTree(r.body()));
  }

  @Test
  void destinations_saveSyncDryRunHistoryAndStatus() throws Exception {
    try (Store store = DuckDb.open(StoreConfig.resolve(dir.resolve("data"), "256MB", 1, Map.of()))) {
      store.profiles().write(new Batch(List.of(new Profile("a", List.of(Identifier.email("a@example.com")), Map.of("country", Value.of("DK"))),
          new Profile("b", List.of(Identifier.email("b@example.com")), Map.of("country", Value.of("DK")))), List.of()));
      store.consent().recordConsent("a", List.of(new ConsentRecord(Purpose.ANALYTICS, false, Instant.parse("2025-01-01T00:00:00Z"), "t")));
      new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC()).save("danes", "country = \"DK\"", "");
      Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_test_123"), "admin_secret_456", Clock.systemUTC(), dir));
      try {
        String def = "{\"key\": \"danes_file\", \"segment\": \"danes\", \"kind\": \"file\", \"settings\": {\"folder\": \""
            + dir.resolve("out").toString().replace("\\", "/") + "\", \"format\": \"jsonl\"}}";
        assertEquals(200, call(server, "PUT", "/admin/destinations/danes_file", def).get("status").asInt());
        JsonNode bad = call(server, "PUT", "/admin/destinations/x", def.replace("\"jsonl\"", "\"xls\""));
        assertEquals(400, bad.get("status").asInt());
        assertTrue(bad.toString().contains("format"), bad.toString());
        JsonNode dry = call(server, "POST", "/admin/destinations/danes_file/sync?dry_run=true", null);
        assertEquals(200, dry.get("status").asInt(), dry.toString());
        // "a" objected to analytics, the file's purpose: only "b" is in the audience.
        assertEquals(1, dry.at("/body/added").asInt());
        assertEquals("b", dry.at("/body/add_examples/0").asText());
        JsonNode run = call(server, "POST", "/admin/destinations/danes_file/sync", null);
        assertEquals("ok", run.at("/body/status").asText(), run.toString());
        assertEquals(1, Files.readAllLines(dir.resolve("out/danes_file.jsonl")).size());
        assertEquals(2, call(server, "GET", "/admin/destinations/danes_file/runs", null).at("/body/runs").size());
        assertEquals(404, call(server, "POST", "/admin/destinations/nope/sync", null).get("status").asInt());
        assertTrue(call(server, "GET", "/admin/status", null).toString().contains("destinations"));
        assertEquals(204, call(server, "DELETE", "/admin/destinations/danes_file", null).get("status").asInt());
        assertEquals(0, store.syncState().fingerprints("danes_file").length);
      } finally {
        server.close();
      }
    }
  }

  // The server knows no engine: Parquet is written through the store's (Store.parquetFiles), and read back here by DuckDB.
  @Test
  void fileDestination_parquet_writtenFromTheServer() throws Exception {
    try (Store store = DuckDb.open(StoreConfig.resolve(dir.resolve("data"), "256MB", 1, Map.of()))) {
      store.profiles().write(new Batch(List.of(new Profile("a", List.of(Identifier.email("a@example.com")), Map.of("country", Value.of("DK"))),
          new Profile("b", List.of(Identifier.phone("+45 12 34 56 78")), Map.of("country", Value.of("DK"))),
          new Profile("c", List.of(Identifier.email("c@example.com")), Map.of("country", Value.of("SE")))), List.of()));
      new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC()).save("danes", "country = \"DK\"", "");
      Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_test_123"), "admin_secret_456", Clock.systemUTC(), dir));
      try {
        Path out = dir.resolve("out");
        String def = "{\"key\": \"danes_pq\", \"segment\": \"danes\", \"kind\": \"file\", \"settings\": {\"folder\": \""
            + out.toString().replace("\\", "/") + "\", \"format\": \"parquet\"}}";
        assertEquals(200, call(server, "PUT", "/admin/destinations/danes_pq", def).get("status").asInt());
        JsonNode run = call(server, "POST", "/admin/destinations/danes_pq/sync", null);
        assertEquals("ok", run.at("/body/status").asText(), run.toString());
        Path file = out.resolve("danes_pq.parquet");
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT profile_id, email, phone FROM read_parquet('" + file.toString().replace("'", "''")
                + "') ORDER BY profile_id")) {
          while (rs.next()) {
            rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
          }
        }
        assertEquals(List.of("a|a@example.com|null", "b|null|+45 12 34 56 78"), rows);
        try (var files = Files.list(out)) {
          assertEquals(List.of("danes_pq.parquet"), files.map(f -> f.getFileName().toString()).toList(), "no part files left behind");
        }
      } finally {
        server.close();
      }
    }
  }
}
