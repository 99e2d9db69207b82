package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.Event;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable acknowledgement: a server process is killed with SIGKILL in the middle of a load of batches; after a
 * restart, every batch it acknowledged is there, and the batches that were in flight, sent again as a client
 * library retries them, are stored exactly once.
 */
class DurabilityTest {
  static final Pattern LISTENING = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)");
  static final int USERS = 20;

  @TempDir
  Path dir;

  record Running(Process process, int port) {}

  Running start() throws Exception {
    return start(dir, dir.resolve("server-" + System.nanoTime() + ".log"));
  }

  /** Starts {@code segmenta serve} in its own JVM, its whole output going to {@code log}; waits until it listens. */
  static Running start(Path dir, Path log) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(javaBin, "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        "io.segmenta.cli.Main", "serve", "--data-dir", dir.resolve("data").toString(), "--port", "0", "--write-key", "wk_dur",
        "--admin-key", "admin-durable", "--threads", "2", "--memory-limit", "512MB").redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive()) {
      Matcher m = LISTENING.matcher(Files.readString(log));
      if (m.find()) {
        return new Running(p, Integer.parseInt(m.group(1)));
      }
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new AssertionError("the server did not start:\n" + Files.readString(log));
  }

  static String batch(int b) {
    StringBuilder s = new StringBuilder("{\"batch\": [");
    for (int i = 0; i < 50; i++) {
      s.append(i > 0 ? ", " : "").append("{\"type\": \"track\", \"userId\": \"dur-").append((b * 50 + i) % USERS)
          .append("\", \"messageId\": \"msg-").append(b).append('-').append(i)
          .append("\", \"event\": \"Product Viewed\", \"properties\": {\"product_id\": \"p-").append(i).append("\", \"price\": 10}}");
    }
    return s.append("]}").toString();
  }

  static int send(HttpClient http, int port, String body) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/batch")).timeout(Duration.ofSeconds(20))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("wk_dur:".getBytes(StandardCharsets.UTF_8)))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
      return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void sigkillDuringLoad_losesNoAcknowledgedEventAndStoresNoneTwice() throws Exception {
    Running first = start();
    HttpClient http = HttpClient.newHttpClient();
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    int total = 160;
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int offset = t;
      Thread th = new Thread(() -> {
        for (int b = offset; b < total && !stop.get(); b += 2) {
          if (send(http, first.port(), batch(b)) == 200) {
            acked.add(b);
          }
        }
      });
      senders.add(th);
      th.start();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acked.size() < 30 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    first.process().destroyForcibly();
    assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
    stop.set(true);
    for (Thread th : senders) {
      th.join();
    }
    int ackedBeforeKill = acked.size();
    System.out.println("acknowledged before SIGKILL: " + ackedBeforeKill + " of " + total + " batches");
    assertTrue(ackedBeforeKill >= 30 && ackedBeforeKill < total, "the kill came in the middle of the load: " + ackedBeforeKill + " of " + total);

    Running second = start();
    // A client library resends what was not acknowledged, including batches that may have been committed.
    for (int b = 0; b < total; b++) {
      if (!acked.contains(b)) {
        assertEquals(200, send(http, second.port(), batch(b)), "batch " + b + " after the restart");
      }
    }
    second.process().destroy();
    assertTrue(second.process().waitFor(60, TimeUnit.SECONDS));

    try (Store store = DuckDb.open(StoreConfig.resolve(dir.resolve("data"), "512MB", 2, Map.of()))) {
      Map<String, Integer> seen = new HashMap<>();
      for (int u = 0; u < USERS; u++) {
        for (Event e : store.profiles().history("dur-" + u).orElseThrow().events()) {
          seen.merge(e.id(), 1, Integer::sum);
        }
      }
      assertEquals(total * 50, seen.size(), "every message of every batch is stored");
      assertTrue(seen.values().stream().allMatch(n -> n == 1), "no message is stored twice");
    }
  }
}
