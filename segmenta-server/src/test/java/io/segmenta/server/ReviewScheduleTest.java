package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.review.Alert;
import io.segmenta.core.review.Finding;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review's alerts leave the server: a weekly digest over real SMTP (GreenMail), signed webhook posts to a real
 * HTTP server on loopback, and the admin routes over real HTTP.
 */
class ReviewScheduleTest {
  static final ObjectMapper JSON = new ObjectMapper();
  /** A Monday. */
  static final Instant MONDAY = Instant.parse("2025-06-30T08:00:00Z");

  @TempDir
  Path dir;
  GreenMail mail;
  Store store;

  @BeforeEach
  void open() {
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
  }

  @AfterEach
  void close() {
    store.close();
    mail.stop();
  }

  ReviewSchedule schedule(Clock clock, List<Webhooks.Hook> hooks, Worker worker) {
    SmtpMailer smtp = new SmtpMailer(new SmtpMailer.Settings("127.0.0.1", mail.getSmtp().getPort(), "segmenta@example.com", null, null, false));
    return new ReviewSchedule(store, clock, worker, () -> hooks, smtp, new ReviewSchedule.Settings(Duration.ofDays(1), "team@example.com", DayOfWeek.MONDAY),
        dir.resolve("review-digest.json"), () -> { });
  }

  @Test
  void digest_sendsTheWeeksAlertsOncePerWeek() throws Exception {
    Clock clock = Clock.fixed(MONDAY, ZoneOffset.UTC);
    store.alerts().raise(List.of(new Alert(MONDAY.minus(Duration.ofDays(2)), "tiny", Finding.Reason.TOO_SMALL, "12 members, fewer than 100"),
        new Alert(MONDAY.minus(Duration.ofDays(1)), "buyers", Finding.Reason.DRIFTING, "major shift: age PSI 0.412"),
        new Alert(MONDAY.minus(Duration.ofDays(20)), "old", Finding.Reason.STALE, "last week's news")));
    try (ReviewSchedule s = schedule(clock, List.of(), new Worker("history-review", clock, null))) {
      s.digest();
      s.digest();
    }
    MimeMessage[] got = mail.getReceivedMessages();
    assertEquals(1, got.length, "one digest a week");
    assertEquals("Segmenta review, week 2025-W27: 2 segment findings", got[0].getSubject());
    assertEquals("team@example.com", got[0].getAllRecipients()[0].toString());
    String body = GreenMailUtil.getBody(got[0]);
    assertTrue(body.contains("tiny") && body.contains("buyers") && body.contains("0.412"), body);
    assertTrue(!body.contains("last week's news"), "only the week's alerts");
  }

  @Test
  void digest_waitsForItsDay() throws Exception {
    Instant tuesday = MONDAY.plus(Duration.ofDays(1));
    SmtpMailer smtp = new SmtpMailer(new SmtpMailer.Settings("127.0.0.1", mail.getSmtp().getPort(), "segmenta@example.com", null, null, false));
    ReviewSchedule.Settings wednesdays = new ReviewSchedule.Settings(Duration.ofDays(1), "team@example.com", DayOfWeek.WEDNESDAY);
    Clock before = Clock.fixed(tuesday, ZoneOffset.UTC);
    try (ReviewSchedule s = new ReviewSchedule(store, before, new Worker("history-review", before, null), List::of, smtp, wednesdays, dir.resolve("review-digest.json"), () -> { })) {
      s.digest();
    }
    assertEquals(0, mail.getReceivedMessages().length, "not before its day");
    Clock on = Clock.fixed(tuesday.plus(Duration.ofDays(1)), ZoneOffset.UTC);
    try (ReviewSchedule s = new ReviewSchedule(store, on, new Worker("history-review", on, null), List::of, smtp, wednesdays, dir.resolve("review-digest.json"), () -> { })) {
      s.digest();
    }
    assertEquals(1, mail.getReceivedMessages().length, "on its day");
    assertEquals("Segmenta review, week 2025-W27: 0 segment findings", mail.getReceivedMessages()[0].getSubject());
  }

  @Test
  void deliver_postsSignedAlertsToSubscribersOfTheirSegments() throws Exception {
    List<String[]> received = new ArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      synchronized (received) {
        received.add(new String[] {ex.getRequestURI().getQuery(), new String(body, StandardCharsets.UTF_8), ex.getRequestHeaders().getFirst("X-Segmenta-Signature")});
      }
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    hook.start();
    try {
      String base = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
      Webhooks.Hook buyers = new Webhooks.Hook("wh_1", base + "?who=buyers", Set.of("buyers"), "s3cret");
      Webhooks.Hook all = new Webhooks.Hook("wh_2", base + "?who=all", Set.of(), "other");
      Webhooks.Hook none = new Webhooks.Hook("wh_3", base + "?who=none", Set.of("nobody"), "x");
      Clock clock = Clock.fixed(MONDAY, ZoneOffset.UTC);
      Worker worker = new Worker("history-review", clock, null);
      try (ReviewSchedule s = schedule(clock, List.of(buyers, all, none), worker)) {
        s.deliver(List.of(new Alert(MONDAY, "buyers", Finding.Reason.DRIFTING, "major"), new Alert(MONDAY, "tiny", Finding.Reason.TOO_SMALL, "3 members")));
      }
      assertEquals(2, received.size());
      for (String[] r : received) {
        JsonNode alerts = JSON.readTree(r[1]).get("alerts");
        if (r[0].equals("who=buyers")) {
          assertEquals(1, alerts.size());
          assertEquals("buyers", alerts.get(0).get("segment").asText());
          assertEquals("sha256=" + Webhooks.sign("s3cret", r[1].getBytes(StandardCharsets.UTF_8)), r[2]);
        } else {
          assertEquals("who=all", r[0]);
          assertEquals(2, alerts.size());
          assertEquals("sha256=" + Webhooks.sign("other", r[1].getBytes(StandardCharsets.UTF_8)), r[2]);
        }
      }
      assertEquals(0, worker.status().failed());
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void digest_restartInTheSameWeek_sendsNothingMoreAndTheNextWeekCoversSinceTheLast() throws Exception {
    store.alerts().raise(List.of(new Alert(MONDAY.minus(Duration.ofDays(1)), "buyers", Finding.Reason.DRIFTING, "major shift: age PSI 0.412")));
    for (int restart = 0; restart < 3; restart++) {
      Clock clock = Clock.fixed(MONDAY.plus(Duration.ofHours(restart * 30L)), ZoneOffset.UTC);
      try (ReviewSchedule s = schedule(clock, List.of(), new Worker("history-review", clock, null))) {
        s.digest();
      }
    }
    assertEquals(1, mail.getReceivedMessages().length, "three starts in one week, one digest");
    assertTrue(Files.readString(dir.resolve("review-digest.json")).contains("\"sentWeek\":202527"), Files.readString(dir.resolve("review-digest.json")));
    // The server was down the whole of the next week: the one after gets a digest, with the alerts since the last.
    Instant twoWeeksOn = MONDAY.plus(Duration.ofDays(14));
    store.alerts().raise(List.of(new Alert(MONDAY.plus(Duration.ofDays(3)), "tiny", Finding.Reason.TOO_SMALL, "12 members, fewer than 100")));
    Clock later = Clock.fixed(twoWeeksOn, ZoneOffset.UTC);
    try (ReviewSchedule s = schedule(later, List.of(), new Worker("history-review", later, null))) {
      s.digest();
      s.digest();
    }
    MimeMessage[] got = mail.getReceivedMessages();
    assertEquals(2, got.length);
    assertEquals("Segmenta review, week 2025-W29: 1 segment finding", got[1].getSubject());
    assertTrue(GreenMailUtil.getBody(got[1]).contains("tiny"), "an alert of the week nobody was mailed is in the next digest");
  }

  @Test
  void digest_crashAfterMarkingSending_sendsTheWeekAgainWithTheSameMessageId() throws Exception {
    Files.writeString(dir.resolve("review-digest.json"), "{\"sentWeek\":202526,\"sendingWeek\":202527,\"sentAt\":\"2025-06-23T08:00:00Z\"}");
    Clock clock = Clock.fixed(MONDAY.plus(Duration.ofHours(2)), ZoneOffset.UTC);
    try (ReviewSchedule s = schedule(clock, List.of(), new Worker("history-review", clock, null))) {
      s.digest();
    }
    try (ReviewSchedule s = schedule(clock, List.of(), new Worker("history-review", clock, null))) {
      s.digest();
    }
    MimeMessage[] got = mail.getReceivedMessages();
    assertEquals(1, got.length, "sent once more, then kept as sent");
    assertEquals("<review-2025-W27@segmenta>", got[0].getMessageID(), "the same id as the send the crash interrupted");
  }

  @Test
  void digest_damagedState_isAnErrorNamingTheFile() throws Exception {
    Files.writeString(dir.resolve("review-digest.json"), "{\"sentWeek\": 2025");
    Clock clock = Clock.fixed(MONDAY, ZoneOffset.UTC);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> schedule(clock, List.of(), new Worker("history-review", clock, null)));
    assertTrue(e.getMessage().contains("review-digest.json"), e.getMessage());
  }

  @Test
  void start_sendsADueDigestAtOnce() throws Exception {
    Clock clock = Clock.fixed(MONDAY, ZoneOffset.UTC);
    try (ReviewSchedule s = schedule(clock, List.of(), new Worker("history-review", clock, null))) {
      s.start();
      assertTrue(mail.waitForIncomingEmail(20_000, 1), "a restart more often than daily must not starve the digest");
    }
    assertEquals(1, mail.getReceivedMessages().length);
  }

  /** A loopback hook that answers {@code status} to the first {@code failures} alert posts, then 204. */
  static HttpServer flakyHook(int failures, int status, List<String> bodies) throws Exception {
    AtomicInteger seen = new AtomicInteger();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      boolean alerts = body.startsWith("{\"alerts\"");
      synchronized (bodies) {
        bodies.add(body);
      }
      ex.sendResponseHeaders(alerts && seen.getAndIncrement() < failures ? status : 204, -1);
      ex.close();
    });
    hook.start();
    return hook;
  }

  @Test
  void deliver_failingFirst_retriesWithBackoffAndCountsIt() throws Exception {
    List<String> bodies = new ArrayList<>();
    HttpServer hook = flakyHook(2, 503, bodies);
    try {
      Webhooks.Hook h = new Webhooks.Hook("wh_9", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook?token=t0ps3cret", Set.of(), "s3cret");
      Clock clock = Clock.fixed(MONDAY, ZoneOffset.UTC);
      Worker worker = new Worker("history-review", clock, dir.resolve("alerts.parked"));
      long start = System.nanoTime();
      try (ReviewSchedule s = schedule(clock, List.of(h), worker)) {
        s.deliver(List.of(new Alert(MONDAY, "buyers", Finding.Reason.DRIFTING, "major")));
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(3, bodies.size(), "two failures, then delivered");
      assertEquals(bodies.get(0), bodies.get(2), "the same body each time");
      assertTrue(ms >= Worker.backoff(1) + Worker.backoff(2), "waited the backoff: " + ms + " ms");
      BackgroundStatus st = worker.status();
      assertEquals(2, st.failed());
      assertEquals(2, st.retried());
      assertEquals(0, st.parked());
      assertEquals(1, st.processed());
      assertTrue(st.lastError().message().contains("wh_9") && st.lastError().message().contains("503"), st.lastError().message());
      assertTrue(!st.lastError().message().contains("t0ps3cret"), "the hook's URL stays out of the status");
      assertTrue(!Files.exists(dir.resolve("alerts.parked")));
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void deliver_failingEveryAttempt_parksThePost() throws Exception {
    List<String> bodies = new ArrayList<>();
    HttpServer hook = flakyHook(Integer.MAX_VALUE, 500, bodies);
    try {
      Webhooks.Hook h = new Webhooks.Hook("wh_7", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook", Set.of(), "s3cret");
      Clock clock = Clock.fixed(MONDAY, ZoneOffset.UTC);
      Worker worker = new Worker("history-review", clock, dir.resolve("alerts.parked"));
      try (ReviewSchedule s = schedule(clock, List.of(h), worker)) {
        s.deliver(List.of(new Alert(MONDAY, "buyers", Finding.Reason.DRIFTING, "major")));
      }
      assertEquals(Worker.ATTEMPTS, bodies.size());
      BackgroundStatus st = worker.status();
      assertEquals(Worker.ATTEMPTS, st.failed());
      assertEquals(Worker.ATTEMPTS - 1, st.retried());
      assertEquals(1, st.parked());
      assertEquals(0, st.processed());
      List<String> parked = Files.readAllLines(dir.resolve("alerts.parked"));
      assertEquals(1, parked.size());
      JsonNode item = JSON.readTree(parked.get(0)).get("item");
      assertEquals("wh_7", item.get("hook").asText());
      assertEquals("buyers", item.get("body").get("alerts").get(0).get("segment").asText());
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void run_overHttp_showsRetriesAndTheLastErrorInAdminStatus() throws Exception {
    List<String> bodies = new ArrayList<>();
    HttpServer hook = flakyHook(1, 502, bodies);
    store.segmentDefinitions().save(new SegmentDefinition("nobody", "age > 500", "", MONDAY));
    try (Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_review_2"), "adm_review_2", Clock.systemUTC(), dir))) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> sub = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/webhooks")).header("Authorization", "Bearer adm_review_2")
          .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"http://127.0.0.1:" + hook.getAddress().getPort() + "/hook\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(201, sub.statusCode(), sub.body());
      HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/review/run")).header("Authorization", "Bearer adm_review_2")
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, run.statusCode(), run.body());
      JsonNode r = JSON.readTree(run.body());
      assertTrue(r.get("alerts").size() >= 2, run.body());
      assertEquals(1, r.get("job").get("retried").asLong(), run.body());
      HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/status")).header("Authorization", "Bearer adm_review_2").build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode job = null;
      for (JsonNode w : JSON.readTree(status.body()).get("background")) {
        if (w.get("name").asText().equals("history-review")) {
          job = w;
        }
      }
      assertTrue(job != null, status.body());
      assertEquals(1, job.get("failed").asLong(), status.body());
      assertEquals(1, job.get("retried").asLong());
      assertEquals(0, job.get("parked").asLong());
      assertTrue(job.get("lastError").get("message").asText().contains("502"), status.body());
      assertEquals("alerts.parked", job.get("parkedIn").asText());
      assertEquals(2, bodies.stream().filter(b -> b.startsWith("{\"alerts\"")).count(), "one failure, one delivery");
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void routes_reviewAndHistoryOverHttp() throws Exception {
    store.segmentDefinitions().save(new SegmentDefinition("nobody", "age > 500", "", MONDAY));
    try (Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_review_1"), "adm_review_1", Clock.systemUTC(), dir))) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> review = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/review")).header("Authorization", "Bearer adm_review_1").build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, review.statusCode(), review.body());
      JsonNode findings = JSON.readTree(review.body()).get("findings");
      List<String> reasons = new ArrayList<>();
      findings.forEach(f -> reasons.add(f.get("segment").asText() + ":" + f.get("reason").asText()));
      assertTrue(reasons.containsAll(List.of("nobody:too_small", "nobody:never_acted_on", "nobody:stale")), reasons.toString());
      HttpResponse<String> recompute = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/history/recompute")).header("Authorization", "Bearer adm_review_1")
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, recompute.statusCode(), recompute.body());
      assertEquals("nobody", JSON.readTree(recompute.body()).get("recomputed").get(0).get("segment").asText());
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/segments/nobody/history?from=yesterday"))
          .header("Authorization", "Bearer adm_review_1").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode());
      assertTrue(bad.body().contains("'from'") && bad.body().contains("yesterday"), bad.body());
      HttpResponse<String> history = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/segments/nobody/history?period=1"))
          .header("Authorization", "Bearer adm_review_1").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, history.statusCode(), history.body());
      JsonNode sizes = JSON.readTree(history.body()).get("sizes");
      assertEquals(91, sizes.size());
      assertEquals("history", sizes.get(90).get("source").asText());
      assertEquals(0, sizes.get(90).get("size").asLong());
      HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/status")).header("Authorization", "Bearer adm_review_1").build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(status.body().contains("history-review"), status.body());
    }
  }
}
