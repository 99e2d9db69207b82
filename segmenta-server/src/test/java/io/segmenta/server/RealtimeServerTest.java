package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real-time segment over HTTP: an event makes a profile enter at once, and it leaves by itself at the instant its
 * event drops out of the window; both changes reach a Server-Sent Events client, the stored history, and a webhook
 * whose first delivery fails and is retried.
 */
class RealtimeServerTest {
  @TempDir
  Path dir;

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void entryAndTimedExit_reachStreamHistoryAndWebhook() throws Exception {
    List<String> hookBodies = new CopyOnWriteArrayList<>();
    List<String> signatures = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      int n = calls.incrementAndGet();
      if (n == 1) {
        ex.sendResponseHeaders(500, -1);
      } else {
        hookBodies.add(new String(body, StandardCharsets.UTF_8));
        signatures.add(ex.getRequestHeaders().getFirst("X-Segmenta-Signature") + "|" + new String(body, StandardCharsets.UTF_8));
        ex.sendResponseHeaders(204, -1);
      }
      ex.close();
    });
    receiver.start();
    HttpClient http = HttpClient.newHttpClient();
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), "admin-key-rt", Clock.systemUTC(), dir))) {
      String base = "http://127.0.0.1:" + server.port();
      String admin = "Bearer admin-key-rt";
      HttpResponse<String> c = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/segments")).header("Authorization", admin)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"name\": \"active\", \"rule\": \"count(product_view in last 30 days) >= 1\", \"realtime\": true}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, c.statusCode(), c.body());
      assertTrue(JSON.readTree(c.body()).get("realtime").asBoolean());
      HttpResponse<String> hook = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/webhooks")).header("Authorization", admin)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"url\": \"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\", \"segments\": [\"active\"]}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, hook.statusCode(), hook.body());
      String secret = JSON.readTree(hook.body()).get("secret").asText();

      List<String> streamed = new CopyOnWriteArrayList<>();
      Thread sse = new Thread(() -> {
        try {
          http.send(HttpRequest.newBuilder(URI.create(base + "/admin/changes/stream")).header("Authorization", admin).header("Accept", "text/event-stream").build(),
              HttpResponse.BodyHandlers.ofLines()).body().forEach(l -> {
                if (l.startsWith("data:")) {
                  streamed.add(l.substring(5).trim());
                }
              });
        } catch (Exception e) {
          // the stream ends with the server
        }
      });
      sse.setDaemon(true);
      sse.start();
      Thread.sleep(500);

      Instant viewed = Instant.now().minus(Duration.ofDays(30)).plusSeconds(3);
      HttpResponse<String> t = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/track"))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("wk:".getBytes(StandardCharsets.UTF_8)))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"userId\": \"rt-1\", \"messageId\": \"rt-m1\", \"event\": \"Product Viewed\", \"timestamp\": \"" + viewed + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, t.statusCode(), t.body());

      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (streamed.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      String stored = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/segments/active/changes")).header("Authorization", admin).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertEquals(2, streamed.size(), "entered, then exited: " + streamed + "; stored: " + stored);
      JsonNode in = JSON.readTree(streamed.get(0));
      JsonNode out = JSON.readTree(streamed.get(1));
      assertEquals("entered", in.get("change").asText());
      assertEquals("rt-m1", in.get("cause").asText());
      assertEquals("exited", out.get("change").asText());
      assertEquals("time", out.get("cause").asText());
      Duration late = Duration.between(viewed.plus(Duration.ofDays(30)), Instant.parse(out.get("at").asText()));
      assertTrue(!late.isNegative() && late.toMillis() < 5, "the exit is dated when the window passed, late by " + late);

      HttpResponse<String> h = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/segments/active/changes")).header("Authorization", admin).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(2, JSON.readTree(h.body()).size(), h.body());

      while (hookBodies.stream().mapToInt(b -> b.split("\"change\"").length - 1).sum() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(calls.get() >= 2, "the failed first delivery was retried");
      for (String s : signatures) {
        String[] parts = s.split("\\|", 2);
        assertEquals("sha256=" + Webhooks.sign(secret, parts[1].getBytes(StandardCharsets.UTF_8)), parts[0]);
      }
      List<String> kinds = new ArrayList<>();
      for (String b : hookBodies) {
        JSON.readTree(b).get("changes").forEach(x -> kinds.add(x.get("change").asText()));
      }
      assertEquals(List.of("entered", "exited"), kinds);
    } finally {
      receiver.stop(0);
    }
  }
}
