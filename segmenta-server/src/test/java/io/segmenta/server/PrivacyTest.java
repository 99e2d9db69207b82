package io.segmenta.server;

import io.segmenta.server.Loopback.Answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import io.segmenta.testkit.DataFiles;

/** What the server shows of a person and what it forgets, over real HTTP on loopback with a real DuckDB file. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivacyTest {
  static final String WRITE = "wk_privacy_1";
  static final String ADMIN = "admin_privacy_2";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  Store store;
  Server server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(WRITE), ADMIN, Clock.systemUTC(), dir));
  }

  @AfterAll
  void stop() {
    server.close();
    store.close();
  }

  Answer send(String method, String path, String auth, String body) throws Exception {
    return Loopback.call(http, server.port(), method, path, auth, body);
  }

  Answer track(String path, String body) throws Exception {
    Answer a = send("POST", path, "Basic " + Base64.getEncoder().encodeToString((WRITE + ":").getBytes(StandardCharsets.UTF_8)), body);
    assertEquals(200, a.status(), a.raw());
    return a;
  }

  Answer admin(String method, String path) throws Exception {
    return send(method, path, "Bearer " + ADMIN, null);
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }

  @Test
  void profileAndExport_listEveryIdentifierOfEachKind() throws Exception {
    track("/v1/identify", "{\"userId\": \"ids-1\", \"anonymousId\": \"ids-anon-1\", \"traits\": {\"email\": \"first@example.com\"}}");
    track("/v1/identify", "{\"userId\": \"ids-1\", \"anonymousId\": \"ids-anon-2\", \"traits\": {\"email\": \"second@example.com\"}}");
    track("/v1/identify", "{\"userId\": \"ids-1\", \"anonymousId\": \"ids-anon-3\", \"traits\": {\"first_name\": \"Ida\"}}");
    for (String path : List.of("/admin/profiles/ids-1", "/admin/profiles/ids-1/export", "/admin/profiles/second@example.com/export?by=email")) {
      Answer a = admin("GET", path);
      assertEquals(200, a.status(), a.raw());
      JsonNode ids = a.body().get("identifiers");
      assertEquals(List.of("ids-anon-1", "ids-anon-2", "ids-anon-3"), texts(ids.get("anonymous_id")), path + ": " + ids);
      assertEquals(List.of("first@example.com", "second@example.com"), texts(ids.get("email")), path + ": " + ids);
    }
  }

  @Test
  void track_sameMessageIdInConcurrentRequests_storesTheOrderAndItsLinesOnce() throws Exception {
    long linesBefore = store.profiles().stats().orderLines();
    long eventsBefore = store.profiles().stats().events();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 20; i++) {
        String body = "{\"userId\": \"dup-" + i + "\", \"messageId\": \"dup-m-" + i + "\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"dup-o-" + i
            + "\", \"revenue\": 30, \"products\": [{\"product_id\": \"p-1\", \"price\": 10, \"quantity\": 2}, {\"product_id\": \"p-2\", \"price\": 10}]}}";
        CyclicBarrier both = new CyclicBarrier(2);
        List<CompletableFuture<Answer>> sent = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          sent.add(CompletableFuture.supplyAsync(() -> {
            try {
              both.await();
              return track("/v1/track", body);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }, pool));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
      }
    } finally {
      pool.shutdown();
    }
    server.flush();
    assertEquals(20, store.profiles().stats().events() - eventsBefore);
    assertEquals(40, store.profiles().stats().orderLines() - linesBefore, "two lines per order, each once");
    assertEquals(2, store.profiles().history("dup-7").orElseThrow().events().get(0).lines().size());
  }


  @Test
  void eraseByEmail_alsoErasesTheMergedAwayProfileAndItsLaterEvents() throws Exception {
    String email = "merged.away@example.org";
    track("/v1/page", "{\"anonymousId\": \"pv-anon-secret\", \"properties\": {\"url\": \"https://shop.example/pv\"}}");
    track("/v1/identify", "{\"userId\": \"pv-old-secret\", \"anonymousId\": \"pv-anon-secret\", \"traits\": {\"email\": \"" + email + "\", \"first_name\": \"Mergeda\"}}");
    // Applied before the next identify: two identifies stitched in one batch may merge either way.
    server.flush();
    track("/v1/identify", "{\"userId\": \"pv-new-secret\", \"traits\": {\"email\": \"" + email + "\"}}");
    assertTrue(admin("GET", "/admin/profiles/pv-new-secret").raw().contains("pv-old-secret"), "the old account was merged into the new one");
    // The shop's app still sends the old id after the merge: it becomes a profile again, with an order.
    track("/v1/track", "{\"userId\": \"pv-old-secret\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"pv-order-after-merge\", \"revenue\": 9,"
        + " \"products\": [{\"product_id\": \"pv-sku\", \"price\": 9}]}}");
    server.flush();
    assertTrue(store.profiles().history("pv-old-secret").isPresent(), "the merged-away id is a profile again");
    List<String> secrets = List.of(email, "pv-old-secret", "pv-new-secret", "pv-anon-secret", "Mergeda", "pv-order-after-merge");
    for (String secret : secrets) {
      assertFalse(DataFiles.holding(dir, secret).isEmpty(), secret + " is on disk before the erasure (so the check below can fail)");
    }
    Answer a = admin("DELETE", "/admin/profiles/" + email + "?by=email");
    assertEquals(200, a.status(), a.raw());
    assertEquals(List.of("pv-new-secret", "pv-old-secret"), texts(a.body().get("profiles")).stream().sorted().toList());
    assertEquals(2, a.body().get("events").asInt(), "the anonymous page view and the order after the merge");
    assertTrue(store.profiles().history("pv-old-secret").isEmpty());
    assertTrue(store.profiles().history("pv-new-secret").isEmpty());
    assertEquals(404, admin("GET", "/admin/profiles/" + email + "?by=email").status());
    for (String secret : secrets) {
      assertEquals(List.of(), DataFiles.holding(dir, secret), secret + " is in no file of the data directory");
    }
  }

  @Test
  void webhook_queuedBeforeAnErasure_neverDeliversTheErasedProfile() throws Exception {
    Answer seg = send("POST", "/admin/segments", "Bearer " + ADMIN, "{\"name\": \"hook_buyers\", \"rule\": \"count(order) >= 1\", \"realtime\": true}");
    assertEquals(201, seg.status(), seg.raw());
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Answer hook = send("POST", "/admin/webhooks", "Bearer " + ADMIN, "{\"url\": \"http://127.0.0.1:" + port + "/hook\", \"segments\": [\"hook_buyers\"]}");
    assertEquals(201, hook.status(), hook.raw());
    // The receiver is down: both entries wait, retried with backoff.
    track("/v1/track", "{\"userId\": \"hook-erased-secret\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"hook-o-1\", \"revenue\": 5}}");
    track("/v1/track", "{\"userId\": \"hook-kept\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"hook-o-2\", \"revenue\": 5}}");
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (admin("GET", "/admin/webhooks").body().get(0).get("retries").asLong() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(admin("GET", "/admin/webhooks").body().get(0).get("retries").asLong() >= 1, "a delivery failed and waits for a retry");
    assertEquals(200, admin("DELETE", "/admin/profiles/hook-erased-secret").status());

    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    receiver.createContext("/hook", ex -> {
      received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();
    try {
      while (received.stream().noneMatch(b -> b.contains("hook-kept")) && System.nanoTime() < deadline + 20_000_000_000L) {
        Thread.sleep(50);
      }
      assertTrue(received.stream().anyMatch(b -> b.contains("hook-kept")), "the receiver, once up, gets the other profile's change: " + received);
      Thread.sleep(500);
      assertTrue(received.stream().noneMatch(b -> b.contains("hook-erased-secret")), "never the erased profile: " + received);
    } finally {
      receiver.stop(0);
    }
  }
}
