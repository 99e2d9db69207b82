package io.segmenta.bench;

import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyEngine;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.journey.Mailer;
import io.segmenta.core.journey.WebhookPoster;
import io.segmenta.core.journey.json.JourneyJson;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.server.JourneySettings;
import io.segmenta.server.Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Journeys at the sizes issue 16 names, each beside a peer in the same run.
 *
 * <p>Segment entry: {@code --profiles} people (100,000) enter a segment at once; the journey's one step calls a
 * webhook (a send claimed by its idempotency key, like an e-mail, without the consent ledger 100,000 people would
 * need). Measured: the time to schedule everyone (the entries written, many per transaction), then steps per second
 * while the engine's ticks take every run, and trigger to send at p50 and p99 (from the moment the changes were handed
 * to the engine to each delivery). The peer enters {@code --peer-profiles} people one transaction per person (the
 * engine's entering before issue 16's batches), compared as entries per second; then a hand-written scheduler loop
 * over the same store takes those runs one at a time (claim, call, mark, end, a transaction each: the engine's steps
 * before their rounds), compared with the engine's ticks in runs per second.
 *
 * <p>Orders: {@code --rate} orders a second (1,000: a {@code /v1/batch} of 10 every 10 ms over loopback, each a new
 * customer with e-mail consent, sent open loop by {@link OpenLoopClient} over 8 connections) for 3 s of warm-up and
 * {@code --seconds} measured, into a post-purchase journey that sends one e-mail through an in-memory mailer (the
 * SMTP relay is not what is measured), the journey thread ticking every {@code --tick-ms}. Measured: order (the
 * moment its request was due) to send at p50 and p99 and sends per second; the peer is the acknowledgement of the
 * same requests (request due to durable 200), as in {@link RealtimeBench}.
 *
 * <p>{@code --parts orders} (or {@code segment}) runs one part alone; both by default. {@code --shop DIR} runs each
 * part on a copy of a shop's store (the issue's 1M-customer shop: SegmentBench's {@code /tmp/bench-1m}): the
 * shop's first {@code --profiles} customers enter the segment, with their real histories, and the orders' new
 * customers join a store of that size; without it, each part starts from an empty store.
 *
 * <pre>java -Xmx8g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.JourneyBench --data-dir /work/bench/journey --shop /tmp/bench-1m --profiles 100000 --peer-profiles 2000 --rate 1000 --seconds 20</pre>
 */
public final class JourneyBench {
  private JourneyBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "target/bench-journey"));
    int profiles = Integer.parseInt(SegmentBench.arg(args, "--profiles", "100000"));
    int peerProfiles = Integer.parseInt(SegmentBench.arg(args, "--peer-profiles", "10000"));
    int rate = Integer.parseInt(SegmentBench.arg(args, "--rate", "1000"));
    int seconds = Integer.parseInt(SegmentBench.arg(args, "--seconds", "20"));
    int tickMs = Integer.parseInt(SegmentBench.arg(args, "--tick-ms", "100"));
    List<String> parts = List.of(SegmentBench.arg(args, "--parts", "segment,orders").split(","));
    for (String part : parts) {
      if (!part.equals("segment") && !part.equals("orders")) {
        throw new IllegalArgumentException("--parts takes segment, orders or both (comma-separated), not '" + part + "'");
      }
    }
    String shopArg = SegmentBench.arg(args, "--shop", "");
    Path shop = shopArg.isEmpty() ? null : Path.of(shopArg);
    if (shop != null && !Files.isRegularFile(shop.resolve("segmenta.duckdb"))) {
      throw new IllegalArgumentException("--shop: no segmenta.duckdb in " + shop);
    }
    if (parts.contains("segment")) {
      segmentEntry(dir.resolve("segment"), shop, profiles, Math.min(peerProfiles, profiles));
    }
    if (parts.contains("orders")) {
      orders(dir.resolve("orders"), shop, rate, seconds, tickMs);
    }
  }

  /**
   * A part's store: empty, or with {@code --shop DIR} a copy of that shop's (the issue asks for the 1M-customer shop,
   * e.g. SegmentBench's {@code /tmp/bench-1m}), so the steps read real customers' histories from a store of that size.
   */
  static void fresh(Path dir, Path shop) throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve("segmenta.duckdb"));
    Files.deleteIfExists(dir.resolve("segmenta.duckdb.wal"));
    if (shop != null) {
      Files.copy(shop.resolve("segmenta.duckdb"), dir.resolve("segmenta.duckdb"));
    }
  }

  static void segmentEntry(Path dir, Path shop, int n, int peerN) throws Exception {
    fresh(dir, shop);
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "4GB", 2, Map.of()))) {
      store.catalog().declareTrait(new TraitDef("tier", ValueType.STRING, Family.CUSTOM, "bench"));
      // Who enters: the shop's first n customers, or n new profiles in an empty store.
      List<String> ids = new ArrayList<>();
      if (shop != null) {
        List<String> all = store.profiles().profileIds();
        if (all.size() < n) {
          throw new IllegalArgumentException("--profiles: the shop has " + all.size() + " customers, fewer than " + n);
        }
        ids.addAll(all.subList(0, n));
      }
      for (int from = 0; shop == null && from < n; from += 10_000) {
        List<Profile> ps = new ArrayList<>();
        for (int i = from; i < Math.min(n, from + 10_000); i++) {
          ps.add(new Profile("p" + i, List.of(new Identifier("email", "p" + i + "@example.com")), Map.of("tier", Value.of("silver"))));
          ids.add("p" + i);
        }
        store.profiles().write(new Batch(ps, List.of()));
      }
      Clock clock = Clock.systemUTC();
      new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock).save("vip", "tier = \"gold\"", "bench");
      store.journeyDefinitions().save(JourneyJson.parse("{\"key\": \"vip_batch\", \"trigger\": {\"segment\": \"vip\", \"on\": \"enter\"},"
          + " \"steps\": [{\"id\": \"hook\", \"webhook\": \"http://127.0.0.1:9/hook\"}]}"));
      Journey peer = store.journeyDefinitions().save(JourneyJson.parse("{\"key\": \"vip_single\", \"trigger\": {\"event\": \"order\"},"
          + " \"steps\": [{\"id\": \"hook\", \"webhook\": \"http://127.0.0.1:9/hook\"}]}"));
      Map<String, Long> delivered = new ConcurrentHashMap<>();
      WebhookPoster poster = (url, key, body) -> delivered.put(key.split("/")[2], System.nanoTime());
      Map<String, Long> peerDelivered = new ConcurrentHashMap<>();
      WebhookPoster peerPoster = (url, key, body) -> peerDelivered.put(key.split("/")[2], System.nanoTime());
      JourneyEngine engine = new JourneyEngine(store.catalog(), store.profiles(), store.consent(), store.segmentDefinitions(), store.scores(),
          store.audiences(), store.journeyDefinitions(), store.journeyLog(), new JourneyEngine.Channels(null, poster, null), id -> "http://x/u", clock);
      engine.watch(Set.of("vip"));
      List<MembershipChange> changes = new ArrayList<>();
      Instant now = clock.instant();
      for (int i = 0; i < n; i++) {
        changes.add(new MembershipChange(ids.get(i), "vip", true, now, "bench"));
      }
      // The peers first, so that they are not in the way of the measured entry and steps (the peers then work on
      // smaller tables, in their favour). The peer of entering: one transaction per person, the same profiles (their
      // first entry into another journey).
      long p0 = System.nanoTime();
      int peerEntered = 0;
      for (int i = 0; i < peerN; i++) {
        peerEntered += engine.enter(peer, ids.get(i), "bench") ? 1 : 0;
      }
      long p1 = System.nanoTime();
      // The peer of the steps: a hand-written scheduler loop over the same store taking the peer journey's runs one at a
      // time, as the engine did before its rounds: the key claimed, the call made, the key marked, the run ended, a
      // transaction each.
      JourneyLog log = store.journeyLog();
      List<JourneyLog.Run> peerRuns = log.due(clock.instant(), Integer.MAX_VALUE).stream().filter(r -> r.journey().equals(peer.key())).toList();
      long q0 = System.nanoTime();
      for (JourneyLog.Run r : peerRuns) {
        String key = String.join("/", r.journey(), Integer.toString(r.version()), r.profileId(), "hook", Integer.toString(r.entry()));
        if (log.send(key).isEmpty()) {
          log.claim(key, r.journey(), r.profileId(), "webhook", clock.instant());
        }
        peerPoster.post(URI.create("http://127.0.0.1:9/hook"), key, key.getBytes(StandardCharsets.UTF_8));
        log.sent(key, clock.instant());
        log.end(r, new JourneyLog.StepRecord(r.journey(), r.profileId(), r.entry(), "hook", "sent", null, clock.instant()));
      }
      long q1 = System.nanoTime();
      double peerSteps = peerRuns.size() / ((q1 - q0) / 1e9);
      long t0 = System.nanoTime();
      int entered = engine.onMembership(changes);
      long t1 = System.nanoTime();
      double batchRate = entered / ((t1 - t0) / 1e9);
      double singleRate = peerEntered / ((p1 - p0) / 1e9);
      System.out.printf("segment entry: %,d entered in %.2f s (%,.0f entries/s), one transaction per %,d%n", entered, (t1 - t0) / 1e9, batchRate,
          5_000);
      System.out.printf("peer, one transaction per person: %,d entered in %.2f s (%,.0f entries/s); batches are %.1f x faster%n", peerEntered,
          (p1 - p0) / 1e9, singleRate, batchRate / singleRate);
      // The steps: the engine's ticks take the segment journey's runs, 500 a tick.
      long s0 = System.nanoTime();
      int runs = 0;
      for (JourneyEngine.Tick t; (t = engine.tick(500)).runs() > 0; ) {
        runs += t.runs();
      }
      long s1 = System.nanoTime();
      long[] lat = new long[n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        Long at = delivered.get(ids.get(i));
        if (at != null) {
          lat[k++] = at - t0;
        }
      }
      long[] sorted = Arrays.copyOf(lat, k);
      Arrays.sort(sorted);
      double steps = runs / ((s1 - s0) / 1e9);
      System.out.printf("steps: %,d runs in %.2f s (%,.0f runs/s, each a webhook step with its key claimed and marked, 500 runs a tick)%n", runs,
          (s1 - s0) / 1e9, steps);
      System.out.printf("peer, a hand-written loop one run at a time (claim, call, mark, end): %,d runs in %.2f s (%,.0f runs/s); the engine is %.1f x faster%n",
          peerRuns.size(), (q1 - q0) / 1e9, peerSteps, steps / peerSteps);
      System.out.printf("trigger -> send (all %,d entering at once): p50 %.0f ms, p99 %.0f ms; %,d of %,d sent%n", n, RealtimeBench.pct(sorted, 50),
          RealtimeBench.pct(sorted, 99), k, n);
    }
  }

  static void orders(Path dir, Path shop, int rate, int seconds, int tickMs) throws Exception {
    fresh(dir, shop);
    int perBatch = 10;
    int warmup = 3;
    int customers = rate * (seconds + warmup) + 1_000;
    // Customer i's order goes in request i / perBatch; the sends are timed here and compared with when their
    // request was due once the load has run (its start is known then).
    long[] sentAt = new long[customers];
    AtomicLong sends = new AtomicLong();
    Mailer mailer = m -> {
      sentAt[Integer.parseInt(m.to().substring(1, m.to().indexOf('@')))] = System.nanoTime();
      sends.incrementAndGet();
    };
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "4GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk"), "bench-admin-key", Clock.systemUTC(), dir),
            new JourneySettings(mailer, Duration.ofMillis(tickMs)))) {
      String base = "http://127.0.0.1:" + server.port();
      String admin = "Bearer bench-admin-key";
      String write = "Basic " + Base64.getEncoder().encodeToString("wk:".getBytes(StandardCharsets.UTF_8));
      for (int from = 0; from < customers; from += 500) {
        StringBuilder b = new StringBuilder("{\"batch\": [");
        for (int i = from; i < Math.min(customers, from + 500); i++) {
          b.append(i > from ? "," : "").append("{\"type\": \"identify\", \"userId\": \"c").append(i).append("\", \"traits\": {\"email\": \"c").append(i)
              .append("@example.com\"}, \"context\": {\"consent\": {\"categoryPreferences\": {\"email_marketing\": true}}}}");
        }
        call(http, "POST", base + "/v1/batch", write, b.append("]}").toString(), 200);
      }
      // The customers and their consents applied before the orders start: the orders are measured, not the set-up's
      // backlog (the journal applies acknowledged identifies later, their consents in one write per apply).
      long settle0 = System.nanoTime();
      server.flush();
      System.out.printf("set-up: %,d customers with consent applied in %.1f s after their acknowledgement%n", customers, (System.nanoTime() - settle0) / 1e9);
      call(http, "PUT", base + "/admin/journeys/thanks", admin, "{\"key\": \"thanks\", \"trigger\": {\"event\": \"order\"}, \"steps\": [{\"id\": \"mail\","
          + " \"send_email\": \"thanks\"}], \"templates\": {\"thanks\": {\"subject\": \"Thank you\", \"body\": \"<p>Thank you for your order.</p>\"}}}", -1);
      // Open loop (OpenLoopClient, as DecisionBench): request i is due at start + i / (rate / perBatch) whether or not
      // earlier ones were answered, so a slow server cannot slow the orders down (a fixed-rate task that waited for
      // each answer reached ~500 orders/s of the 1,000 asked on a busy machine).
      int requestRate = rate / perBatch;
      int requests = requestRate * (warmup + seconds);
      byte[][] wire = new byte[requests][];
      for (int r = 0; r < requests; r++) {
        StringBuilder b = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < perBatch; i++) {
          int c = r * perBatch + i;
          b.append(i > 0 ? "," : "").append("{\"type\": \"track\", \"userId\": \"c").append(c).append("\", \"event\": \"Order Completed\","
              + " \"properties\": {\"order_id\": \"o").append(c).append("\", \"revenue\": 25}}");
        }
        wire[r] = OpenLoopClient.post("127.0.0.1", server.port(), "/v1/batch", write, b.append("]}").toString());
      }
      long s0 = sends.get();
      OpenLoopClient.Result load = new OpenLoopClient("127.0.0.1", server.port(), 8).run(wire, requestRate, warmup + seconds);
      long measuredFrom = load.start() + TimeUnit.SECONDS.toNanos(warmup);
      long measuredTo = measuredFrom + TimeUnit.SECONDS.toNanos(seconds);
      int first = requestRate * warmup * perBatch;
      int last = requests * perBatch;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (sends.get() - s0 < last && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      long[] lat = new long[last - first];
      int k = 0;
      int unsent = 0;
      int whileOrdering = 0;
      for (int c = 0; c < last; c++) {
        whileOrdering += sentAt[c] >= measuredFrom && sentAt[c] < measuredTo ? 1 : 0;
        if (c < first) {
          continue;
        }
        long due = load.start() + (long) ((c / perBatch) * (1e9 / requestRate));
        if (sentAt[c] == 0) {
          unsent++;
        } else {
          lat[k++] = sentAt[c] - due;
        }
      }
      long[] sorted = Arrays.copyOf(lat, k);
      Arrays.sort(sorted);
      long[] ack = Arrays.copyOfRange(load.latency(), requestRate * warmup, requests);
      Arrays.sort(ack);
      System.out.printf("orders: %,d a second for %d s (tick %d ms, open loop, %d warm-up s); %d failed requests; %,d sends measured, %,d orders without a send%n",
          rate, seconds, tickMs, warmup, load.errors(), k, unsent);
      System.out.printf("order -> send: p50 %.0f ms, p99 %.0f ms; %,.0f sends/s while ordering%n", RealtimeBench.pct(sorted, 50),
          RealtimeBench.pct(sorted, 99), whileOrdering / (double) seconds);
      System.out.printf("peer, request -> durable 200: p50 %.1f ms, p99 %.1f ms; ratio of p99s %.1f%n", RealtimeBench.pct(ack, 50),
          RealtimeBench.pct(ack, 99), RealtimeBench.pct(sorted, 99) / RealtimeBench.pct(ack, 99));
    }
  }

  private static void call(HttpClient http, String method, String url, String auth, String body, int expected) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (expected > 0 ? r.statusCode() != expected : r.statusCode() / 100 != 2) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
  }
}
