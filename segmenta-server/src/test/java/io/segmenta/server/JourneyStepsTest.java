package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.MovingClock;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The triggers and steps after the first slice, end to end as in {@link JourneyServerTest}: tracking over HTTP, a real
 * DuckDB file, e-mail to GreenMail, webhooks to a real HTTP server on loopback.
 */
class JourneyStepsTest {
  static final String SECRET = "journey-hook-secret-0123";
  static final String TEMPLATE = "\"templates\": {\"hi\": {\"subject\": \"Hi {{ first_name }}\", \"body\": \"<p>Hi</p>\", \"defaults\": {\"first_name\": \"there\"}}}";

  @TempDir
  Path dir;
  GreenMail mail;
  Store store;
  Server server;
  JourneyServerTest http;
  final MovingClock clock = MovingClock.system();

  @BeforeEach
  void start() {
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    SmtpMailer smtp = new SmtpMailer(new SmtpMailer.Settings("127.0.0.1", mail.getSmtp().getPort(), "shop@example.com", null, null, false));
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(JourneyServerTest.WRITE), JourneyServerTest.ADMIN, clock, dir),
        new JourneySettings(smtp, JourneyServerTest.TICK, SECRET));
    http = new JourneyServerTest();
    http.server = server;
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
    mail.stop();
  }

  void save(String json) throws Exception {
    JourneyServerTest.Answer a = http.admin("PUT", "/admin/journeys/" + json.replaceAll("(?s).*?\"key\": \"([a-z_]+)\".*", "$1"), json);
    assertTrue(a.status() == 201 || a.status() == 200, a.raw());
  }

  List<String> outcomes(String journey, String profileId) {
    List<String> out = new ArrayList<>();
    for (JourneyLog.StepRecord r : store.journeyLog().history(journey, profileId)) {
      out.add(r.step() + ":" + r.outcome() + (r.reason() == null ? "" : "(" + r.reason() + ")"));
    }
    return out;
  }

  boolean ended(String journey, String profileId) {
    JourneyLog.Entries e = store.journeyLog().entries(journey, profileId);
    return e.count() > 0 && !e.running();
  }

  void customer(String id, String extraTraits) throws Exception {
    http.track("/v1/identify", "{\"userId\": \"" + id + "\", \"traits\": {\"email\": \"" + id + "@example.com\", \"first_name\": \"Ann\"" + extraTraits + "}}");
    http.admin("GET", "/admin/profiles/" + id, null);
    assertEquals(200, http.admin("PUT", "/admin/profiles/" + id + "/consent", "{\"email_marketing\": true}").status());
  }

  @Test
  void dateTrigger_birthdayToday_entersThoseWhoseDateReturnsToday() throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    customer("bd-1", ", \"birth_date\": \"" + today.minusYears(30) + "\"");
    customer("bd-2", ", \"birth_date\": \"" + today.minusYears(30).plusDays(2) + "\"");
    save("{\"key\": \"birthday\", \"trigger\": {\"date\": \"birth_date\", \"at\": \"00:00\"}, \"steps\": [{\"id\": \"card\", \"send_email\": \"hi\"}],"
        + " \"reentry\": \"P300D\", " + TEMPLATE + "}");
    JourneyServerTest.await(() -> ended("birthday", "bd-1"), "the birthday run ended");
    Thread.sleep(10 * JourneyServerTest.TICK.toMillis());
    assertEquals(List.of("bd-1@example.com"), JourneyServerTest.recipients(mail.getReceivedMessages()));
    assertEquals("card:entered(date birth_date " + today + ")", outcomes("birthday", "bd-1").get(0));
    assertEquals(0, store.journeyLog().entries("birthday", "bd-2").count());
    assertTrue(store.journeyLog().lastFired("birthday").isPresent(), "the firing is kept, so a restart does not repeat the day");
  }

  @Test
  void scheduleTrigger_overASegment_entersItsMembers() throws Exception {
    customer("sc-1", ", \"lifestyle\": \"outdoor\"");
    customer("sc-2", ", \"lifestyle\": \"urban\"");
    JourneyServerTest.Answer seg = http.admin("PUT", "/admin/segments/outdoor", "{\"rule\": \"lifestyle = \\\"outdoor\\\"\"}");
    assertTrue(seg.status() / 100 == 2, seg.raw());
    save("{\"key\": \"weekly\", \"trigger\": {\"segment\": \"outdoor\", \"every\": \"P7D\"}, \"steps\": [{\"id\": \"news\", \"send_email\": \"hi\"}], "
        + TEMPLATE + "}");
    JourneyServerTest.await(() -> ended("weekly", "sc-1"), "the member's run ended");
    Thread.sleep(10 * JourneyServerTest.TICK.toMillis());
    assertEquals(List.of("sc-1@example.com"), JourneyServerTest.recipients(mail.getReceivedMessages()));
    assertEquals(0, store.journeyLog().entries("weekly", "sc-2").count());
    assertEquals(1, store.journeyLog().entries("weekly", "sc-1").count(), "one firing, not one per tick");
  }

  @Test
  void segmentEntryTrigger_anOrderPutsTheProfileInTheSegment_entersAndSends() throws Exception {
    customer("se-1", "");
    JourneyServerTest.Answer seg = http.admin("PUT", "/admin/segments/buyers", "{\"rule\": \"count(order) >= 1\", \"realtime\": true}");
    assertTrue(seg.status() / 100 == 2, seg.raw());
    save("{\"key\": \"welcome_buyer\", \"trigger\": {\"segment\": \"buyers\", \"on\": \"enter\"}, \"steps\": [{\"id\": \"w\", \"send_email\": \"hi\"}], "
        + TEMPLATE + "}");
    Thread.sleep(5 * JourneyServerTest.TICK.toMillis());
    assertEquals(0, store.journeyLog().entries("welcome_buyer", "se-1").count(), "not a member yet");
    http.order("se-1", "o-se-1");
    JourneyServerTest.await(() -> ended("welcome_buyer", "se-1"), "the run ended");
    assertEquals(List.of("w:entered(entered buyers)", "w:sent"), outcomes("welcome_buyer", "se-1"));
    assertEquals(List.of("se-1@example.com"), JourneyServerTest.recipients(mail.getReceivedMessages()));
  }

  @Test
  void waitFor_ruleHoldsOrTimesOut_takesTheMatchingBranch() throws Exception {
    customer("wf-1", "");
    customer("wf-2", "");
    save("{\"key\": \"second_order\", \"trigger\": {\"event\": \"order\"}, \"steps\": ["
        + "{\"id\": \"again\", \"wait_for\": \"count(order) >= 2\", \"timeout\": \"PT3S\", \"yes\": \"thanks\", \"no\": \"nudge\"},"
        + "{\"id\": \"thanks\", \"exit\": true}, {\"id\": \"nudge\", \"send_email\": \"hi\"}], " + TEMPLATE + "}");
    http.order("wf-1", "o-wf-1");
    http.order("wf-2", "o-wf-2");
    JourneyServerTest.await(() -> outcomes("second_order", "wf-1").size() == 1 && store.journeyLog().entries("second_order", "wf-1").running(),
        "waiting");
    http.order("wf-1", "o-wf-1b");
    JourneyServerTest.await(() -> ended("second_order", "wf-1") && ended("second_order", "wf-2"), "both runs ended");
    assertEquals(List.of("again:entered(event order)", "again:waited(rule held)", "thanks:exited(exit step)"), outcomes("second_order", "wf-1"));
    assertEquals(List.of("again:entered(event order)", "again:timed_out(after PT3S)", "nudge:sent"), outcomes("second_order", "wf-2"));
    assertEquals(List.of("wf-2@example.com"), JourneyServerTest.recipients(mail.getReceivedMessages()));
  }

  @Test
  void webhookAndSetTrait_failedCallIsRetriedUnderOneKey_signed_andTheTraitIsSet() throws Exception {
    List<String> keys = new CopyOnWriteArrayList<>();
    List<String> bodies = new CopyOnWriteArrayList<>();
    List<String> signatures = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      keys.add(ex.getRequestHeaders().getFirst("Idempotency-Key"));
      signatures.add(ex.getRequestHeaders().getFirst("X-Segmenta-Signature"));
      bodies.add(new String(body, StandardCharsets.UTF_8));
      ex.sendResponseHeaders(calls.incrementAndGet() == 1 ? 500 : 204, -1);
      ex.close();
    });
    hook.start();
    try {
      customer("wh-1", "");
      save("{\"key\": \"crm_sync\", \"trigger\": {\"event\": \"order\"}, \"steps\": ["
          + "{\"id\": \"tier\", \"set_trait\": {\"lifestyle\": \"vip\"}, \"next\": \"notify\"},"
          + "{\"id\": \"notify\", \"webhook\": \"http://127.0.0.1:" + hook.getAddress().getPort() + "/hook\"}]}");
      http.order("wh-1", "o-wh-1");
      JourneyServerTest.await(() -> ended("crm_sync", "wh-1"), "the run ended");
    } finally {
      hook.stop(0);
    }
    assertEquals(2, calls.get(), "one failure (500), one retry");
    assertEquals(keys.get(0), keys.get(1), "the same idempotency key on the retry");
    assertEquals("crm_sync/1/wh-1/notify/1", keys.get(0));
    assertEquals("sha256=" + Webhooks.sign(SECRET, bodies.get(1).getBytes(StandardCharsets.UTF_8)), signatures.get(1));
    assertTrue(bodies.get(1).contains("\"profile_id\":\"wh-1\""), bodies.get(1));
    assertEquals(Value.of("vip"), store.profiles().history("wh-1").orElseThrow().profile().traits().get("lifestyle"));
    assertEquals(List.of("tier:entered(event order)", "tier:set(lifestyle)", "notify:sent"), outcomes("crm_sync", "wh-1"));
  }

  @Test
  void quietHours_aSendInsideThem_isDeferredToTheirEnd() throws Exception {
    customer("qh-1", "");
    LocalTime now = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    LocalTime end = now.plusMinutes(10);
    // Quiet for the next 10 minutes in UTC (the profile has no timezone trait): the send waits until they end, which
    // the server's clock then passes (rather than the test waiting them out).
    save("{\"key\": \"quiet\", \"trigger\": {\"event\": \"order\"}, \"quiet_hours\": {\"from\": \"" + now.minusHours(1) + "\", \"to\": \""
        + end + "\"}, \"steps\": [{\"id\": \"hi\", \"send_email\": \"hi\"}], " + TEMPLATE + "}");
    http.order("qh-1", "o-qh-1");
    JourneyServerTest.await(() -> outcomes("quiet", "qh-1").size() == 2, "deferred");
    assertTrue(outcomes("quiet", "qh-1").get(1).startsWith("hi:deferred(quiet hours until " + end), outcomes("quiet", "qh-1").toString());
    Thread.sleep(10 * JourneyServerTest.TICK.toMillis());
    assertEquals(0, mail.getReceivedMessages().length, "nothing inside the quiet hours");
    assertFalse(ended("quiet", "qh-1"), "the run waits for the end of the quiet hours");
    clock.advance(Duration.ofMinutes(11));
    JourneyServerTest.await(() -> ended("quiet", "qh-1"), "sent after the quiet hours");
    assertEquals(1, mail.getReceivedMessages().length);
  }

  @Test
  void pauseActivateStatus_pausedTakesNoEntries_statusCountsAndMeasures() throws Exception {
    save(JourneyServerTest.POST_PURCHASE.formatted("never").replace("{\"id\": \"pause\", \"wait\": \"PT1S\", \"next\": \"thanks\"}",
        "{\"id\": \"pause\", \"wait\": \"PT1S\", \"next\": \"ab\"}, {\"id\": \"ab\", \"split\": {\"holdout\": 50}, \"next\": \"thanks\"}"));
    assertEquals(200, http.admin("POST", "/admin/journeys/post_purchase/pause", null).status());
    customer("ps-1", "");
    http.order("ps-1", "o-ps-1");
    Thread.sleep(10 * JourneyServerTest.TICK.toMillis());
    assertEquals(0, store.journeyLog().entries("post_purchase", "ps-1").count(), "paused: no entry");
    assertEquals("paused", http.admin("GET", "/admin/journeys/post_purchase/status", null).body().get("state").asText());
    assertEquals(200, http.admin("POST", "/admin/journeys/post_purchase/activate", null).status());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add("ps-" + (i + 2));
      customer(ids.get(i), "");
      http.order(ids.get(i), "o-ps-" + (i + 2));
    }
    JourneyServerTest.await(() -> ids.stream().allMatch(id -> ended("post_purchase", id)), "every run ended");
    // Revenue after entry: the order that triggered it came before; a second order (no re-entry) comes after.
    http.order(ids.get(0), "o-ps-again");
    JourneyServerTest.Answer s = http.admin("GET", "/admin/journeys/post_purchase/status?window=P1D", null);
    assertEquals(200, s.status(), s.raw());
    assertEquals("active", s.body().get("state").asText());
    assertEquals(8, s.body().get("entered").asInt(), s.raw());
    assertEquals(0, s.body().get("in_progress").asInt(), s.raw());
    long heldOut = s.body().get("held_out").asLong();
    assertEquals(8 - heldOut, s.body().get("sent").asLong(), s.raw());
    assertEquals(mail.getReceivedMessages().length, s.body().get("sent").asInt());
    assertEquals(8, s.body().get("holdout").get("treatment").get("entries").asInt() + s.body().get("holdout").get("holdout").get("entries").asInt());
    assertEquals(30.0, s.body().get("revenue").asDouble(), 1e-9, "only the order after the entry: " + s.raw());
    assertEquals(1, s.body().get("holdout").get("treatment").get("converted").asInt() + s.body().get("holdout").get("holdout").get("converted").asInt(),
        s.raw());
    assertEquals(400, http.admin("GET", "/admin/journeys/post_purchase/status?window=soon", null).status());
  }

  @Test
  void edit_whileARunWaits_theRunContinuesInTheNewVersionAtTheSameStep() throws Exception {
    save(JourneyServerTest.POST_PURCHASE.formatted("never").replace("PT1S", "PT2S"));
    customer("ed-1", "");
    http.order("ed-1", "o-ed-1");
    JourneyServerTest.await(() -> store.journeyLog().history("post_purchase", "ed-1").size() == 2, "waiting");
    save(JourneyServerTest.POST_PURCHASE.formatted("never").replace("PT1S", "PT2S").replace("Thanks, {{ first_name }}", "Version two"));
    JourneyServerTest.await(() -> ended("post_purchase", "ed-1"), "the run ended");
    MimeMessage[] got = mail.getReceivedMessages();
    assertEquals(1, got.length);
    assertEquals("Version two", got[0].getSubject());
    assertTrue(store.journeyLog().send("post_purchase/2/ed-1/thanks/1").isPresent(), "the send is keyed by the new version");
    assertFalse(store.journeyLog().send("post_purchase/1/ed-1/thanks/1").isPresent());
  }
}
