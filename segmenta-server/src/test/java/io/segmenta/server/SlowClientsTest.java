package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;

/**
 * Slowloris on loopback: 600 connections each announce a 1,000-byte body and send it a byte at a time. While they
 * trickle, {@code /health} and {@code /v1/track} must answer promptly (bodies are read without holding a thread);
 * after the body deadline, the tricklers get a 408 and are closed.
 */
class SlowClientsTest {
  static final String KEY = "wk_slow_1";
  static final int TRICKLERS = 600;

  @TempDir
  Path dir;

  @Test
  void tricklingBodies_leaveHealthAndTrackingAnswering() throws Exception {
    // Long enough for a loaded machine (2 shared cores) to open the sockets and run the rounds before it passes.
    Duration deadline = Duration.ofSeconds(15);
    String auth = "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));
    try (Store store = DuckDb.open(StoreConfig.resolve(dir.resolve("db"), "1GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(KEY), "admin-key-slow", Clock.systemUTC(), dir.resolve("db"))
            .withBodyTimeout(deadline))) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      // Warm up (the first track declares its event type), so the rounds below time only the contention.
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/track"))
          .header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofString("{\"userId\": \"warm\", \"event\": \"Still Here\"}")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      List<Socket> slow = new ArrayList<>();
      try {
        long opened = System.nanoTime();
        byte[] head = ("POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + auth
            + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < TRICKLERS; i++) {
          Socket s = new Socket("127.0.0.1", server.port());
          s.setSoTimeout(30_000);
          s.getOutputStream().write(head);
          slow.add(s);
        }
        long worst = 0;
        System.out.printf("%d trickling connections open in %d ms%n", TRICKLERS, (System.nanoTime() - opened) / 1_000_000);
        for (int round = 0; round < 5; round++) {
          // Every trickler sends one more byte of its body (whitespace: the body would still be valid JSON).
          for (Socket s : slow) {
            OutputStream out = s.getOutputStream();
            try {
              out.write(' ');
              out.flush();
            } catch (IOException e) {
              throw new AssertionError("a trickler was cut off " + (System.nanoTime() - opened) / 1_000_000 + " ms after the first opened", e);
            }
          }
          long t = System.nanoTime();
          HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
              .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
          assertEquals(200, health.statusCode(), health.body());
          HttpResponse<String> track = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/track"))
              .timeout(Duration.ofSeconds(5)).header("Authorization", auth).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"userId\": \"fast-" + round + "\", \"event\": \"Still Here\"}")).build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(200, track.statusCode(), track.body());
          worst = Math.max(worst, System.nanoTime() - t);
          Thread.sleep(200);
        }
        System.out.printf("%d trickling connections: health + track answered in at most %d ms%n", TRICKLERS, worst / 1_000_000);
        assertTrue(worst < Duration.ofSeconds(3).toNanos(), "health and tracking took " + worst / 1_000_000 + " ms while clients trickled");
        assertTrue(System.nanoTime() - opened < deadline.toNanos(), "the checks ran while every trickler was still open");

        // Past the deadline, a trickler has its answer: 408, and the connection closed.
        Socket first = slow.get(0);
        InputStream in = first.getInputStream();
        byte[] buf = new byte[512];
        int n = in.read(buf);
        String answer = n < 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 408"), "a trickler past the deadline: " + answer);
        assertTrue(answer.contains("did not arrive within"), answer);
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
      server.flush();
      for (int round = 0; round < 5; round++) {
        assertTrue(store.profiles().history("fast-" + round).isPresent(), "the tracks sent meanwhile were stored");
      }
    }
  }
}
