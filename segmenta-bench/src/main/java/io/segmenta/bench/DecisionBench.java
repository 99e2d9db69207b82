package io.segmenta.bench;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.personalize.Click;
import io.segmenta.core.personalize.Content;
import io.segmenta.core.personalize.Personalization;
import io.segmenta.core.personalize.Personalizer;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.personalize.RequestContext;
import io.segmenta.core.personalize.Sessions;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.ml.recommend.Recommender;
import io.segmenta.server.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The decision API under load: {@code POST /v1/personalize} for all 20 placements of a shop at a fixed 2,000
 * requests a second on loopback, over the 1,000,000-customer synthetic shop (6 in 10 of whom consented to
 * personalization). Seven in ten requests are for known profiles, three for anonymous visitors with a session of
 * clicks. Open loop: request i is due at {@code start + i / rate}, and its latency runs from when it was due (not
 * when it was sent) to its response, so a stall counts against every request it delays (no coordinated omission).
 *
 * <p>The peer, in the same run on the same data: the same requests decided in process (compiled placements,
 * profile index, recommendations), which is what the HTTP path adds its parsing, transport and JSON to.
 *
 * <pre>cp -r /work/bench/shop-1m /work/bench/decide   # once: the bench adds consents and placements to its copy
 * java -XX:+UseG1GC -Xmn2g -Xmx14g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.DecisionBench --data-dir /work/bench/decide --seconds 60 --warmup 20 --rate 2000</pre>
 */
public final class DecisionBench {
  static final String[] CATEGORIES = {"clothing", "home", "beauty", "books", "garden", "kitchen", "kids", "eco", "electronics", "travel", "sports", "luxury"};

  private DecisionBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "/work/bench/decide"));
    int seconds = Integer.parseInt(SegmentBench.arg(args, "--seconds", "60"));
    int warmup = Integer.parseInt(SegmentBench.arg(args, "--warmup", "20"));
    int rate = Integer.parseInt(SegmentBench.arg(args, "--rate", "2000"));
    int connections = Integer.parseInt(SegmentBench.arg(args, "--connections", "16"));
    grantConsents(dir.resolve("segmenta.duckdb"));
    Instant asOf = SegmentBench.AS_OF;
    Clock clock = Clock.fixed(asOf, ZoneOffset.UTC);
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "4GB", 2, Map.of()))) {
      setUp(store, clock);
      List<String> ids = store.audiences().run(new AudienceQuery.Page(RuleText.parseRule("count(order) >= 0"), asOf, 0, 200_000));
      SplittableRandom r = new SplittableRandom(7);
      int n = rate * (seconds + warmup);
      String[] bodies = new String[Math.min(n, 200_000)];
      Personalizer.Request[] requests = new Personalizer.Request[bodies.length];
      for (int i = 0; i < bodies.length; i++) {
        if (r.nextDouble() < 0.7) {
          String id = ids.get(r.nextInt(ids.size()));
          bodies[i] = "{\"userId\": \"" + id + "\", \"context\": {\"page\": {\"url\": \"https://shop.example/\", \"referrer\": \"https://www.google.com/\"}}}";
          requests[i] = new Personalizer.Request(id, null, new RequestContext("https://shop.example/", "https://www.google.com/", null, null, null, null, null),
              List.of(), null, List.of());
        } else {
          String anon = "anon-" + r.nextInt(1_000_000);
          StringBuilder clicks = new StringBuilder();
          List<Click> list = new ArrayList<>();
          int k = 1 + r.nextInt(6);
          for (int c = 0; c < k; c++) {
            String cat = CATEGORIES[r.nextInt(CATEGORIES.length)];
            String kind = r.nextDouble() < 0.15 ? "deals" : r.nextDouble() < 0.1 ? "reassurance" : "product";
            clicks.append(c == 0 ? "" : ",").append("{\"kind\": \"").append(kind).append("\", \"category\": \"").append(cat).append("\", \"productId\": \"P")
                .append(r.nextInt(2000)).append("\"}");
            list.add(Click.of(asOf, kind, null, cat, "P" + r.nextInt(2000)));
          }
          bodies[i] = "{\"anonymousId\": \"" + anon + "\", \"context\": {\"device\": {\"type\": \"mobile\"}, \"campaign\": {\"source\": \"newsletter\","
              + " \"medium\": \"email\"}}, \"clicks\": [" + clicks + "]}";
          requests[i] = new Personalizer.Request(null, anon, new RequestContext(null, null, "newsletter", "email", null, "mobile", null), list, null, List.of());
        }
      }
      long t0 = System.nanoTime();
      System.out.println("starting the server (loads profiles and builds recommendations)...");
      try (Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), "bench-admin-key", clock, dir, Duration.ofHours(6)))) {
        HttpClient admin = HttpClient.newHttpClient();
        URI status = URI.create("http://127.0.0.1:" + server.port() + "/admin/decisions");
        String body = "";
        while (!body.contains("\"loaded\":true")) {
          Thread.sleep(500);
          body = admin.send(HttpRequest.newBuilder(status).header("Authorization", "Bearer bench-admin-key").build(),
              HttpResponse.BodyHandlers.ofString()).body();
        }
        System.out.printf("decisions loaded %.1f s after start: %s%n", (System.nanoTime() - t0) / 1e9, body);
        String auth = "Basic " + Base64.getEncoder().encodeToString("wk:".getBytes(StandardCharsets.UTF_8));
        byte[][] wire = new byte[bodies.length][];
        for (int i = 0; i < bodies.length; i++) {
          wire[i] = OpenLoopClient.post("127.0.0.1", server.port(), "/v1/personalize", auth, bodies[i]);
        }
        // The peer first, while the server idles: the same requests decided in process, on a Personalization
        // loaded from the same store.
        Personalization local = Personalization.load(store.catalog(), store.placementDefinitions(), store.experimentDefinitions(),
            new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock), store.audiences(), Recommender.fromStore(store.catalog(), store.activity(), asOf, Recommender.Options.DEFAULT),
            new Sessions(1_000_000, Duration.ofMinutes(30)), clock, x -> { });
        long[] inProcess = new long[Math.min(rate * seconds, 200_000)];
        for (int round = 0; round < 2; round++) {
          for (int i = 0; i < inProcess.length; i++) {
            long s = System.nanoTime();
            local.decide(requests[i % requests.length], asOf);
            inProcess[i] = System.nanoTime() - s;
          }
        }
        local = null;
        System.gc();
        OpenLoopClient client = new OpenLoopClient("127.0.0.1", server.port(), connections);
        OpenLoopClient.Result warm = client.run(wire, rate, warmup);
        report("warm-up", warm.latency(), warmup, rate);
        OpenLoopClient.Result measured = client.run(wire, rate, seconds);
        System.out.println(measured.errors() + " errors");
        double httpP99 = report("HTTP /v1/personalize, 20 placements", measured.latency(), seconds, rate);
        double peerP99 = report("in-process decisions (peer)", inProcess, 0, 0);
        System.out.printf("p99 ratio HTTP / in-process: %.1f%n", httpP99 / peerP99);
      }
    }
  }

  static double report(String what, long[] latency, int seconds, int rate) {
    long[] s = latency.clone();
    Arrays.sort(s);
    double p50 = s[(int) (s.length * 0.50)] / 1e6;
    double p90 = s[(int) (s.length * 0.90)] / 1e6;
    double p99 = s[(int) (s.length * 0.99)] / 1e6;
    double p999 = s[(int) (s.length * 0.999)] / 1e6;
    System.out.printf("%-40s n=%,d%s  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.1f ms%n", what, s.length,
        rate > 0 ? String.format(" at %,d/s", rate) : "", p50, p90, p99, p999, s[s.length - 1] / 1e6);
    return p99;
  }

  /** Six in ten profiles consent to personalization (done once, in SQL, on the bench's own copy of the shop). */
  static void grantConsents(Path db) throws Exception {
    if (!Files.exists(db)) {
      throw new IllegalStateException(db + " does not exist: copy /work/bench/shop-1m there first (see the class comment)");
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement st = c.createStatement()) {
      var rs = st.executeQuery("SELECT count(*) FROM consents WHERE source = 'bench'");
      rs.next();
      if (rs.getLong(1) == 0) {
        st.execute("INSERT INTO consents SELECT pkey, 'personalization', true, TIMESTAMP '2025-01-01 00:00:00', 'bench' FROM profiles WHERE pkey % 10 < 6");
      }
    }
  }

  /** Eight segments and 20 placements of five contents each, mixing segments, traits, computed traits and context. */
  static void setUp(Store store, Clock clock) {
    Segments seg = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
    seg.save("bench_champions", "count(order in last 90 days) >= 3", "");
    seg.save("bench_returners", "return_rate > 0.5 and orders >= 2", "");
    seg.save("bench_new", "count(order) = 1", "");
    seg.save("bench_lapsed", "days_since_last_order > 180", "");
    seg.save("bench_big", "gross_revenue > 1000", "");
    seg.save("bench_dk", "country = \"DK\"", "");
    seg.save("bench_young", "age < 30", "");
    seg.save("bench_families", "has_children = true", "");
    String[][] rules = {
        {"segment bench_champions", "segment bench_returners", "top_interest = \"garden\" and intent = \"inspiration\"", "intent = \"doubts\""},
        {"segment bench_big and channel = \"search\"", "segment bench_new", "intent = \"best_deal\"", "segment bench_dk and age >= 40"},
        {"segment bench_lapsed", "segment bench_young and device = \"mobile\"", "session_interests contains \"kids\"", "orders >= 5"},
        {"segment bench_families", "return_rate > 0.3", "top_interest = \"electronics\"", "channel = \"email\" and segment bench_champions"}};
    for (int p = 0; p < 20; p++) {
      String[] r = rules[p % rules.length];
      List<Content> contents = new ArrayList<>();
      for (int c = 0; c < r.length; c++) {
        contents.add(new Content("c" + c, r[c], c, new Value.ObjectValue(Map.of("headline", new Value.Str("Content " + c + " of placement " + p))),
            p % 5 == 0 && c == 0 ? 4 : 0));
      }
      contents.add(new Content("everyone", "", 0, new Value.ObjectValue(Map.of("headline", new Value.Str("For everyone"))), 0));
      store.placementDefinitions().save(new Placement("placement_" + p, "", p % 3 == 0 ? Placement.Strategy.HIGHEST_SCORE : Placement.Strategy.FIRST_MATCH,
          contents, new Content("default", "", 0, new Value.ObjectValue(Map.of("headline", new Value.Str("Default"))), 0), p % 4 == 0 ? 0.05 : 0, null));
    }
  }
}
