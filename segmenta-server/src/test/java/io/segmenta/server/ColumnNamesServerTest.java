package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.schema.Names;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties and traits named like the store's own working columns ({@code seq} stopped the server for good) are
 * stored, read back, and survive a restart, and the server keeps accepting writes.
 */
class ColumnNamesServerTest {
  static final List<String> NAMES = List.of("seq", "line_no", "event_type", "select", "sg_f0", "sm0", "kind");

  @TempDir
  Path dir;

  private static int post(HttpClient http, Server server, String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("wk:".getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.statusCode();
  }

  private static void check(Store store) {
    ProfileHistory h = store.profiles().history("cn-1").orElseThrow();
    Event e = h.events().stream().filter(x -> x.id().equals("cn-m2")).findFirst().orElseThrow();
    for (int i = 0; i < NAMES.size(); i++) {
      // A client's name lands where the name rule puts it (seq → seq_, select → select_), never on a store column.
      String stored = Names.safe(Names.snake(NAMES.get(i)), false);
      assertEquals(Value.of(i + 1), h.profile().trait(stored), "trait " + NAMES.get(i) + " as " + stored);
      assertEquals(Value.of(100 + i), e.property(stored), "property " + NAMES.get(i) + " as " + stored);
    }
  }

  @Test
  void track_propertiesAndTraitsNamedLikeStoreColumns_areStoredAndSurviveRestart() throws Exception {
    StringBuilder traits = new StringBuilder();
    StringBuilder props = new StringBuilder();
    for (int i = 0; i < NAMES.size(); i++) {
      traits.append(i > 0 ? ", " : "").append('"').append(NAMES.get(i)).append("\": ").append(i + 1);
      props.append(", \"").append(NAMES.get(i)).append("\": ").append(100 + i);
    }
    HttpClient http = HttpClient.newHttpClient();
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), "admin-key-cn", Clock.systemUTC(), dir))) {
      post(http, server, "/v1/identify", "{\"userId\": \"cn-1\", \"messageId\": \"cn-m1\", \"traits\": {" + traits + "}}");
      post(http, server, "/v1/track", "{\"userId\": \"cn-1\", \"messageId\": \"cn-m2\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"cn-o\", \"revenue\": 3,"
          + " \"products\": [{\"product_id\": \"p\", \"price\": 3}]" + props + "}}");
      post(http, server, "/v1/track", "{\"userId\": \"cn-2\", \"messageId\": \"cn-m3\", \"event\": \"Product Viewed\"}");
      server.flush();
      check(store);
      assertEquals(2, store.profiles().stats().profiles());
    }
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), "admin-key-cn", Clock.systemUTC(), dir))) {
      post(http, server, "/v1/track", "{\"userId\": \"cn-3\", \"messageId\": \"cn-m4\", \"event\": \"Product Viewed\"}");
      server.flush();
      check(store);
      assertEquals(3, store.profiles().stats().profiles());
    }
  }
}
