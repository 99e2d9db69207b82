package io.segmenta.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.store.Store;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.server.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event to membership change, end to end on loopback: 2,000 events a second (a /v1/batch of 20 every 10 ms), each
 * the first product view of a new visitor, so each makes its profile enter the real-time segment
 * {@code count(product_view in last 1 days) >= 1}. The latency of an event is from just before its request is sent
 * to the moment its "entered" change is published to the server's listeners (the SSE stream and webhooks send it
 * on from there). The peer is the acknowledgement of the same requests (send to 200, durable), in the same run.
 *
 * <pre>java -Xmx8g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.RealtimeBench --data-dir /work/bench/realtime --seconds 20</pre>
 */
public final class RealtimeBench {
  private RealtimeBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "target/bench-realtime"));
    int seconds = Integer.parseInt(SegmentBench.arg(args, "--seconds", "20"));
    int perBatch = 20;
    Files.deleteIfExists(dir.resolve("segmenta.duckdb"));
    ObjectMapper json = new ObjectMapper();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpClient stream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "4GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), "bench-admin-key", Clock.systemUTC(), dir))) {
      String base = "http://127.0.0.1:" + server.port();
      String admin = "Bearer bench-admin-key";
      String write = "Basic " + Base64.getEncoder().encodeToString("wk:".getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> c = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/segments")).header("Authorization", admin)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"name\": \"viewers\", \"rule\": \"count(product_view in last 1 days) >= 1\", \"realtime\": true}")).build(), HttpResponse.BodyHandlers.ofString());
      if (c.statusCode() != 201) {
        throw new IllegalStateException(c.body());
      }
      Map<String, Long> sent = new ConcurrentHashMap<>();
      List<Long> changeLatency = Collections.synchronizedList(new ArrayList<>());
      List<Long> ackLatency = Collections.synchronizedList(new ArrayList<>());
      AtomicLong measuringFrom = new AtomicLong(Long.MAX_VALUE);
      // The change is taken where real-time segments publish it (what the SSE stream and webhooks then send on).
      server.listen(changes -> {
        long now = System.nanoTime();
        for (MembershipChange ch : changes) {
          Long t = sent.remove(ch.profileId());
          if (t != null && t >= measuringFrom.get()) {
            changeLatency.add(now - t);
          }
        }
      });
      // An SSE client as well, counting what the stream delivers.
      AtomicLong streamed = new AtomicLong();
      Thread sse = new Thread(() -> {
        try {
          stream.send(HttpRequest.newBuilder(URI.create(base + "/admin/changes/stream")).header("Authorization", admin).header("Accept", "text/event-stream").build(),
              HttpResponse.BodyHandlers.ofLines()).body().forEach(l -> {
                if (l.startsWith("data:")) {
                  streamed.incrementAndGet();
                }
              });
        } catch (Exception e) {
          System.err.println("stream ended: " + e);
        }
      });
      sse.setDaemon(true);
      sse.start();
      Thread.sleep(500);
      ScheduledExecutorService load = Executors.newScheduledThreadPool(4);
      AtomicLong n = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      Runnable send = () -> {
        StringBuilder b = new StringBuilder("{\"batch\": [");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < perBatch; i++) {
          String id = "v" + n.incrementAndGet();
          ids.add(id);
          b.append(i > 0 ? "," : "").append("{\"type\": \"track\", \"userId\": \"").append(id).append("\", \"event\": \"Product Viewed\", \"properties\": {\"product_id\": \"p1\"}}");
        }
        b.append("]}");
        long t0 = System.nanoTime();
        ids.forEach(id -> sent.put(id, t0));
        try {
          int code = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/batch")).header("Authorization", write).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(b.toString())).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
          if (code != 200) {
            failed.incrementAndGet();
          } else if (t0 >= measuringFrom.get()) {
            ackLatency.add(System.nanoTime() - t0);
          }
        } catch (Exception e) {
          failed.incrementAndGet();
        }
      };
      load.scheduleAtFixedRate(send, 0, 10, TimeUnit.MILLISECONDS);
      Thread.sleep(3000);
      measuringFrom.set(System.nanoTime());
      long e0 = n.get();
      Thread.sleep(seconds * 1000L);
      long e1 = n.get();
      load.shutdown();
      load.awaitTermination(10, TimeUnit.SECONDS);
      Thread.sleep(1000);
      long[] ch = changeLatency.stream().mapToLong(Long::longValue).sorted().toArray();
      long[] ack = ackLatency.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("sent %,.0f events/s for %d s; %d failed requests; %,d changes measured, %,d events without a change yet%n",
          (e1 - e0) / (double) seconds, seconds, failed.get(), ch.length, sent.size());
      System.out.printf("the Server-Sent Events stream delivered %,d changes%n", streamed.get());
      System.out.printf("event -> membership change: p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 <= 50 ms)%n", pct(ch, 50), pct(ch, 99), ch[ch.length - 1] / 1e6);
      System.out.printf("peer, request -> durable 200: p50 %.1f ms, p99 %.1f ms; ratio of p99s %.2f%n", pct(ack, 50), pct(ack, 99), pct(ch, 99) / pct(ack, 99));
    }
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }
}
