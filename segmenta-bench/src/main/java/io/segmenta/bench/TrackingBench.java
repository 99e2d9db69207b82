package io.segmenta.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.segmenta.core.ingest.segment.SegmentSpec;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.server.Server;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Tracking throughput with durable acknowledgements, on loopback, the load generator in the same process (so it
 * takes its share of the two cores, as wrk would) or, with {@code --generator wrk}, wrk in its own process
 * ({@code track.lua}, {@code batch.lua}): {@code /v1/batch} with 100 events a request, and single
 * {@code /v1/track} calls, each against the server and against a peer that is the same HTTP stack (Javalin, Jetty,
 * Jackson) parsing the body and answering 200 without storing: the ceiling of the transport, so the ratio says what
 * storing costs.
 *
 * <pre>java -Xmx8g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.TrackingBench --data-dir /work/bench/tracking --seconds 15 [--only batch] [--gzip] [--generator wrk]</pre>
 */
public final class TrackingBench {
  private TrackingBench() {}

  static final String KEY = "wk_bench";

  record Load(String path, int concurrency, int eventsPerRequest) {}

  static String body(Load l, long n) {
    if (l.eventsPerRequest() == 1) {
      return "{\"userId\": \"u" + (n % 50_000) + "\", \"messageId\": \"t-" + n + "\", \"event\": \"Product Viewed\","
          + " \"properties\": {\"product_id\": \"p" + (n % 997) + "\", \"category\": \"shoes\", \"price\": 49.5}}";
    }
    StringBuilder s = new StringBuilder("{\"batch\": [");
    for (int i = 0; i < l.eventsPerRequest(); i++) {
      long m = n * l.eventsPerRequest() + i;
      s.append(i > 0 ? "," : "").append("{\"type\": \"track\", \"userId\": \"u").append(m % 50_000).append("\", \"messageId\": \"b-").append(m)
          .append("\", \"event\": \"Product Viewed\", \"properties\": {\"product_id\": \"p").append(m % 997).append("\", \"category\": \"shoes\", \"price\": 49.5}}");
    }
    return s.append("]}").toString();
  }

  /** Requests per second over {@code seconds}, after a warm-up; every answer must be 200. */
  static double run(int port, Load l, int seconds, AtomicLong counter, boolean gzip) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String auth = "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));
    URI uri = URI.create("http://127.0.0.1:" + port + l.path());
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong retried = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < l.concurrency(); t++) {
      Thread th = new Thread(() -> {
        while (!stop.get()) {
          try {
            byte[] payload = body(l, counter.getAndIncrement()).getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Authorization", auth).header("Content-Type", "application/json");
            if (gzip) {
              // As RudderStack's SDKs send by default: the body gzipped, Content-Encoding: gzip.
              payload = gzipped(payload);
              b.header("Content-Encoding", "gzip");
            }
            HttpRequest r = b.POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build();
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            int code = resp.statusCode();
            if (code != 200) {
              if (failed.incrementAndGet() <= 3) {
                System.err.println("failed: " + code + " " + resp.body());
              }
            } else if (measuring.get()) {
              done.incrementAndGet();
            }
          } catch (IOException e) {
            // A pooled keep-alive connection the server closed: the client sends again, as tracking clients do.
            retried.incrementAndGet();
          } catch (Exception e) {
            if (failed.incrementAndGet() <= 3) {
              System.err.println("failed: " + e);
            }
          }
        }
      });
      threads.add(th);
      th.start();
    }
    Thread.sleep(3000);
    measuring.set(true);
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long n = done.get();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    stop.set(true);
    for (Thread th : threads) {
      th.join();
    }
    if (retried.get() > 10) {
      throw new IllegalStateException(retried.get() + " connection errors on " + l.path());
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " requests failed on " + l.path());
    }
    return n / elapsed;
  }

  static byte[] gzipped(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(raw);
    }
    return out.toByteArray();
  }

  /** The peer reads the body as the server must: inflated first when the client gzipped it. */
  static byte[] inflated(Context ctx) throws IOException {
    byte[] raw = ctx.bodyAsBytes();
    if (!"gzip".equalsIgnoreCase(ctx.header("Content-Encoding"))) {
      return raw;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      return in.readAllBytes();
    }
  }

  /** Requests per second measured by wrk (a C load generator, far lighter than the JDK's client) with its Lua script. */
  static double wrk(int port, int connections, int seconds) throws Exception {
    return wrk(port, "/track.lua", "/v1/track", connections, seconds, Map.of());
  }

  /**
   * Requests per second measured by wrk ({@code -t2}) running {@code script} (a resource) against {@code path}, in its
   * own process, so the generator does not share the server's JVM, its heap or its JIT; {@code env} reaches the script.
   */
  static double wrk(int port, String script, String path, int connections, int seconds, Map<String, String> env) throws Exception {
    Path file = Files.createTempFile("wrk", ".lua");
    try (InputStream in = TrackingBench.class.getResourceAsStream(script)) {
      Files.write(file, in.readAllBytes());
    }
    ProcessBuilder pb = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--timeout", "30s", "-s", file.toString(),
        "http://127.0.0.1:" + port + path);
    pb.environment().put("WRK_AUTH", Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8)));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Files.delete(file);
    Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
    if (!m.find() || out.contains("Non-2xx") || out.contains("Socket errors")) {
      throw new IllegalStateException("wrk failed or saw errors:\n" + out);
    }
    return Double.parseDouble(m.group(1));
  }

  /**
   * {@code /v1/batch} with wrk and {@code batch.lua}: plain bodies built by the script, or gzipped ones prepared here
   * beforehand ({@code perThread} a wrk thread, unique message ids; {@code wrap}: the peer may get them again).
   */
  static double wrkBatch(int port, int connections, int seconds, boolean gzip, int perThread, boolean wrap, String run) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("WRK_RUN", run));
    List<Path> files = new ArrayList<>();
    if (gzip) {
      Path prefix = Files.createTempFile("bodies-" + run, "-");
      for (int t = 1; t <= 2; t++) {
        Path f = Path.of(prefix + Integer.toString(t));
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f))) {
          for (int k = 1; k <= perThread; k++) {
            StringBuilder s = new StringBuilder("{\"batch\": [");
            for (int i = 1; i <= 100; i++) {
              long m = (long) k * 100 + i;
              s.append(i > 1 ? "," : "").append("{\"type\": \"track\", \"userId\": \"u").append(m % 50_000).append("\", \"messageId\": \"g-")
                  .append(run).append('-').append(t).append('-').append(m)
                  .append("\", \"event\": \"Product Viewed\", \"properties\": {\"product_id\": \"p").append(m % 997)
                  .append("\", \"category\": \"shoes\", \"price\": 49.5}}");
            }
            byte[] z = gzipped(s.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            out.write((z.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(z);
          }
        }
        files.add(f);
      }
      Files.delete(prefix);
      env.put("WRK_BODIES", prefix.toString());
      if (wrap) {
        env.put("WRK_WRAP", "1");
      }
    }
    try {
      return wrk(port, "/batch.lua", "/v1/batch", connections, seconds, env);
    } finally {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    }
  }

  /**
   * What the journal's applier pays per event for one write into DuckDB, by the size of the write: {@code rounds}
   * writes of {@code size} tracked events each (the batch bench's events, translated as the route does), timed by
   * the process's CPU. The same store grows throughout, as it does under the applier.
   */
  static void applyCost(Store store, int size, int rounds) throws IOException {
    ObjectMapper json = new ObjectMapper();
    long n = 0;
    double total = 0;
    for (int r = 0; r < rounds; r++) {
      List<JsonNode> messages = new ArrayList<>(size);
      for (int i = 0; i < size; i++, n++) {
        messages.add(json.readTree("{\"type\": \"track\", \"userId\": \"u" + (n % 50_000) + "\", \"messageId\": \"a-" + size + "-" + n
            + "\", \"event\": \"Product Viewed\", \"properties\": {\"product_id\": \"p" + (n % 997) + "\", \"category\": \"shoes\", \"price\": 49.5}}"));
      }
      SegmentSpec.Translation t = SegmentSpec.translate(messages, null, true, store.catalog().schema(), Instant.now(), SegmentSpec.Policy.LENIENT);
      store.catalog().declare(t.newTraits(), t.newProperties().values(), t.newPropertyTypes());
      long cpu0 = processCpuNanos();
      store.profiles().write(new Batch(t.profiles(), t.events()));
      double us = (processCpuNanos() - cpu0) / 1e3 / size;
      if (r > 0) {
        total += us; // the first write of a size also warms up
      }
    }
    System.out.printf("apply: writes of %,d events: %.1f us of CPU per event (mean of %d writes; %,d events stored after)%n", size, total / (rounds - 1),
        rounds - 1, store.profiles().stats().events());
  }

  /** CPU time of this whole process (every thread, and DuckDB's native ones), in nanoseconds. */
  static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "target/bench-tracking"));
    int seconds = Integer.parseInt(SegmentBench.arg(args, "--seconds", "15"));
    if (Files.exists(dir.resolve("segmenta.duckdb"))) {
      Files.delete(dir.resolve("segmenta.duckdb"));
    }
    String only = SegmentBench.arg(args, "--only", "");
    boolean gzip = Arrays.asList(args).contains("--gzip");
    List<Load> loads = new ArrayList<>(List.of(new Load("/v1/batch", 8, 100), new Load("/v1/track", 32, 1)));
    loads.removeIf(l -> !only.isEmpty() && !l.path().endsWith(only));
    ObjectMapper json = new ObjectMapper();
    Javalin peer = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.jetty.host = "127.0.0.1";
      c.routes.post("/v1/batch", ctx -> {
        json.readTree(inflated(ctx));
        ctx.contentType("application/json").result("{\"success\":true}");
      });
      c.routes.post("/v1/track", ctx -> {
        json.readTree(inflated(ctx));
        ctx.contentType("application/json").result("{\"success\":true}");
      });
    }).start(0);
    AtomicLong counter = new AtomicLong();
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "4GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(KEY), "bench-admin-key", Clock.systemUTC(), dir))) {
      if (only.equals("apply")) {
        // The applier's write on its own, small and large (no HTTP): --only apply
        for (int size : List.of(3_000, 35_000, 100_000)) {
          applyCost(store, size, Math.max(3, 600_000 / size / 2));
        }
        return;
      }
      if (SegmentBench.arg(args, "--generator", "java").equals("wrk") && only.equals("batch")) {
        int conns = Integer.parseInt(SegmentBench.arg(args, "--connections", "8"));
        // Enough prepared gzip bodies for 1,500 requests a second on the server (3x what the target needs).
        int perThread = 1500 * seconds / 2;
        String run = Long.toString(System.currentTimeMillis(), 36);
        int warmup = Integer.parseInt(SegmentBench.arg(args, "--warmup", "3"));
        wrkBatch(server.port(), conns, warmup, gzip, 1500 * warmup / 2, false, run + "w");
        server.flush();
        long events0 = store.profiles().stats().events();
        long cpu0 = processCpuNanos();
        double ours = wrkBatch(server.port(), conns, seconds, gzip, perThread, false, run + "m");
        server.flush();
        // The server's whole process (request threads, journal, applier, DuckDB) per event stored: steadier than
        // events/s on a shared machine, where the CPU the bench gets varies with the others' load.
        double cpuPerKilo = (processCpuNanos() - cpu0) / 1e6 / ((store.profiles().stats().events() - events0) / 1000.0);
        double ceiling = wrkBatch(peer.port(), conns, seconds, gzip, perThread, true, run + "p");
        System.out.printf("/v1/batch%s with wrk (2 threads, %d connections, 100 events a request): segmenta %,.0f req/s = %,.0f events/s;"
            + " HTTP ceiling %,.0f req/s; ratio %.2f; server CPU %.1f ms per 1,000 events%n", gzip ? " gzip" : "", conns, ours, ours * 100,
            ceiling, ours / ceiling, cpuPerKilo);
        System.out.printf("stored: %,d events%n", store.profiles().stats().events());
        return;
      }
      if (SegmentBench.arg(args, "--generator", "java").equals("wrk")) {
        int conns = Integer.parseInt(SegmentBench.arg(args, "--connections", "64"));
        wrk(server.port(), conns, Integer.parseInt(SegmentBench.arg(args, "--warmup", "3")));
        server.flush();
        long events0 = store.profiles().stats().events();
        long cpu0 = processCpuNanos();
        double ours = wrk(server.port(), conns, seconds);
        server.flush();
        double cpuPerKilo = (processCpuNanos() - cpu0) / 1e6 / ((store.profiles().stats().events() - events0) / 1000.0);
        double ceiling = wrk(peer.port(), conns, seconds);
        System.out.printf("/v1/track with wrk (2 threads, %d connections): segmenta %,.0f req/s; HTTP ceiling %,.0f req/s; ratio %.2f;"
            + " server CPU %.1f ms per 1,000 events%n", conns, ours, ceiling, ours / ceiling, cpuPerKilo);
        server.flush();
        System.out.printf("stored: %,d events%n", store.profiles().stats().events());
        return;
      }
      for (Load l : loads) {
        double ours = run(server.port(), l, seconds, counter, gzip);
        double ceiling = run(peer.port(), l, seconds, new AtomicLong(), gzip);
        System.out.printf("%s%s (%d concurrent, %d events a request): segmenta %,.0f req/s = %,.0f events/s; HTTP ceiling %,.0f req/s; ratio %.2f%n",
            l.path(), gzip ? " gzip" : "", l.concurrency(), l.eventsPerRequest(), ours, ours * l.eventsPerRequest(), ceiling, ours / ceiling);
      }
      System.out.printf("stored: %,d events%n", store.profiles().stats().events());
    } finally {
      peer.stop();
    }
  }
}
