package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.journey.Mailer;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import jakarta.mail.internet.MimeMessage;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journeys end to end: tracking over real HTTP on loopback, a real DuckDB file, the journey engine, and e-mail over SMTP
 * to GreenMail (a real SMTP server in-process).
 */
class JourneyServerTest {
  static final String WRITE = "wk_journeys_1";
  static final String ADMIN = "admin_journeys_2";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration TICK = Duration.ofMillis(50);
  static final String POST_PURCHASE = """
      {"key": "post_purchase", "description": "thanks after an order",
       "trigger": {"event": "order"},
       "steps": [{"id": "pause", "wait": "PT1S", "next": "thanks"},
                 {"id": "thanks", "send_email": "thank_you"}],
       "reentry": "%s",
       "templates": {"thank_you": {"subject": "Thanks, {{ first_name }}",
                                   "body": "<p>Hi {{ first_name }}, thank you for your order.</p>",
                                   "defaults": {"first_name": "there"}}}}
      """;

  @TempDir
  Path dir;
  GreenMail mail;
  Store store;
  Server server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startMail() {
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
    mail.stop();
  }

  SmtpMailer smtp() {
    return new SmtpMailer(new SmtpMailer.Settings("127.0.0.1", mail.getSmtp().getPort(), "shop@example.com", null, null, false));
  }

  void open(Mailer mailer) {
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(WRITE), ADMIN, Clock.systemUTC(), dir),
        new JourneySettings(mailer, TICK));
  }

  void close() {
    server.close();
    server = null;
    store.close();
    store = null;
  }

  record Answer(int status, JsonNode body, String raw) {}

  Answer send(String method, String path, String auth, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : "http://127.0.0.1:" + server.port() + path));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode n = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json") ? JSON.readTree(r.body()) : null;
    return new Answer(r.statusCode(), n, r.body());
  }

  void track(String path, String body) throws Exception {
    Answer a = send("POST", path, "Basic " + Base64.getEncoder().encodeToString((WRITE + ":").getBytes(StandardCharsets.UTF_8)), body);
    assertEquals(200, a.status(), a.raw());
  }

  Answer admin(String method, String path, String body) throws Exception {
    return send(method, path, "Bearer " + ADMIN, body);
  }

  void saveJourney(String reentry) throws Exception {
    Answer a = admin("PUT", "/admin/journeys/post_purchase", POST_PURCHASE.formatted(reentry));
    assertTrue(a.status() == 201 || a.status() == 200, a.raw());
  }

  /** A customer with an e-mail address who granted (or not) marketing e-mail. */
  void customer(String id, boolean consent) throws Exception {
    track("/v1/identify", "{\"userId\": \"" + id + "\", \"traits\": {\"email\": \"" + id + "@example.com\", \"first_name\": \"Ann\"}}");
    admin("GET", "/admin/profiles/" + id, null); // flushes the journal
    if (consent) {
      Answer c = admin("PUT", "/admin/profiles/" + id + "/consent", "{\"email_marketing\": true}");
      assertEquals(200, c.status(), c.raw());
    }
  }

  void order(String id, String orderId) throws Exception {
    track("/v1/track", "{\"userId\": \"" + id + "\", \"messageId\": \"m-" + orderId + "\", \"event\": \"Order Completed\", \"properties\":"
        + " {\"order_id\": \"" + orderId + "\", \"revenue\": 30, \"products\": [{\"product_id\": \"p-1\", \"price\": 30}]}}");
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(25);
    }
  }

  List<String> outcomes(String profileId) {
    List<String> out = new ArrayList<>();
    for (JourneyLog.StepRecord r : store.journeyLog().history("post_purchase", profileId)) {
      out.add(r.step() + ":" + r.outcome() + (r.reason() == null ? "" : "(" + r.reason() + ")"));
    }
    return out;
  }

  boolean ended(String profileId) {
    JourneyLog.Entries e = store.journeyLog().entries("post_purchase", profileId);
    return e.count() > 0 && !e.running();
  }

  static List<String> recipients(MimeMessage[] messages) throws Exception {
    List<String> out = new ArrayList<>();
    for (MimeMessage m : messages) {
      out.add(m.getAllRecipients()[0].toString());
    }
    out.sort(null);
    return out;
  }

  @Test
  void postPurchase_ordersOverHttp_sendExactlyOneEmailPerPerson() throws Exception {
    open(smtp());
    saveJourney("never");
    for (String id : List.of("pp-1", "pp-2", "pp-3")) {
      customer(id, true);
    }
    order("pp-1", "o-1");
    order("pp-2", "o-2");
    order("pp-3", "o-3");
    order("pp-1", "o-4"); // a second order: re-entry "never", so no second e-mail
    await(() -> ended("pp-1") && ended("pp-2") && ended("pp-3"), "every run ended");
    Thread.sleep(5 * TICK.toMillis());
    MimeMessage[] got = mail.getReceivedMessages();
    assertEquals(List.of("pp-1@example.com", "pp-2@example.com", "pp-3@example.com"), recipients(got));
    Set<String> ids = new TreeSet<>();
    for (MimeMessage m : got) {
      assertEquals("Thanks, Ann", m.getSubject());
      String unsubscribe = m.getHeader("List-Unsubscribe", null);
      assertTrue(unsubscribe != null && unsubscribe.contains("/v1/unsubscribe?p="), "List-Unsubscribe: " + unsubscribe);
      assertEquals("List-Unsubscribe=One-Click", m.getHeader("List-Unsubscribe-Post", null));
      assertTrue(m.getContent().toString().contains("Unsubscribe</a>"), "the body carries the link");
      ids.add(m.getMessageID());
    }
    assertEquals(3, ids.size(), "one Message-ID per send: " + ids);
    assertEquals(List.of("pause:entered(event order)", "pause:waiting(PT1S)", "thanks:sent"), outcomes("pp-1"));
    assertEquals(1, store.journeyLog().entries("post_purchase", "pp-1").count());
    Answer list = admin("GET", "/admin/journeys", null);
    assertEquals(3, list.body().get(0).get("counts").get("thanks/sent").asInt(), list.raw());
  }

  @Test
  void send_withoutEmailConsent_isSkippedWithItsReason() throws Exception {
    open(smtp());
    saveJourney("never");
    customer("nc-1", false);
    order("nc-1", "o-nc-1");
    await(() -> ended("nc-1"), "the run ended");
    assertEquals(0, mail.getReceivedMessages().length);
    assertEquals(List.of("pause:entered(event order)", "pause:waiting(PT1S)", "thanks:skipped(no e-mail marketing consent)"), outcomes("nc-1"));
    Answer steps = admin("GET", "/admin/journeys/post_purchase/profiles/nc-1", null);
    assertEquals("no e-mail marketing consent", steps.body().get(2).get("reason").asText(), steps.raw());
  }

  @Test
  void unsubscribeLink_recordsTheWithdrawal_andNoFurtherMailGoes() throws Exception {
    open(smtp());
    saveJourney("always");
    customer("us-1", true);
    order("us-1", "o-us-1");
    await(() -> mail.getReceivedMessages().length == 1, "the first e-mail arrived");
    String header = mail.getReceivedMessages()[0].getHeader("List-Unsubscribe", null);
    String url = header.substring(1, header.length() - 1);
    assertEquals(200, send("GET", url, null, null).status(), "the confirmation page");
    assertTrue(ConsentPolicy.allows(store.consent().consents("us-1"), Purpose.EMAIL_MARKETING), "a GET changes nothing");
    assertEquals(404, send("POST", url.replaceAll("t=[0-9a-f]+", "t=00"), null, null).status(), "a forged token");
    assertEquals(200, send("POST", url, null, null).status());
    assertFalse(ConsentPolicy.allows(store.consent().consents("us-1"), Purpose.EMAIL_MARKETING));
    await(() -> ended("us-1"), "the first run ended");
    order("us-1", "o-us-2");
    await(() -> store.journeyLog().entries("post_purchase", "us-1").count() == 2 && ended("us-1"), "the second run ended");
    assertEquals(1, mail.getReceivedMessages().length);
    List<String> o = outcomes("us-1");
    assertEquals("thanks:skipped(no e-mail marketing consent)", o.get(o.size() - 1), o.toString());
  }

  @Test
  void restart_afterTheKeyIsRecordedBeforeDelivery_sendsOnceAndLosesNothing() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    // The process "dies" inside delivery: the key is recorded, nothing reached the SMTP server, the journey thread stops.
    open(m -> {
      calls.incrementAndGet();
      throw new ThreadDeath();
    });
    saveJourney("never");
    customer("rs-1", true);
    order("rs-1", "o-rs-1");
    String key = "post_purchase/1/rs-1/thanks/1";
    await(() -> calls.get() == 1, "delivery began");
    assertEquals(Optional.of(JourneyLog.SendState.PENDING), store.journeyLog().send(key));
    close();
    assertEquals(0, mail.getReceivedMessages().length);
    open(smtp());
    await(() -> ended("rs-1"), "the run ended after the restart");
    Thread.sleep(5 * TICK.toMillis());
    assertEquals(List.of("rs-1@example.com"), recipients(mail.getReceivedMessages()));
    assertEquals(Optional.of(JourneyLog.SendState.SENT), store.journeyLog().send(key));
    close();
    open(smtp());
    Thread.sleep(10 * TICK.toMillis());
    assertEquals(1, mail.getReceivedMessages().length, "a second restart sends nothing again");
  }

  @Test
  void restart_duringAWait_theTimerSurvives() throws Exception {
    open(smtp());
    saveJourney("never");
    customer("tw-1", true);
    order("tw-1", "o-tw-1");
    await(() -> outcomes("tw-1").contains("pause:waiting(PT1S)"), "the wait began");
    close();
    open(smtp());
    await(() -> ended("tw-1"), "the run ended after the restart");
    assertEquals(List.of("tw-1@example.com"), recipients(mail.getReceivedMessages()));
  }

  @Test
  void erasure_duringAWait_removesThePersonFromEveryJourney() throws Exception {
    open(smtp());
    saveJourney("never");
    customer("er-1", true);
    customer("er-2", true);
    order("er-1", "o-er-1");
    order("er-2", "o-er-2");
    await(() -> outcomes("er-1").contains("pause:waiting(PT1S)") && outcomes("er-2").contains("pause:waiting(PT1S)"), "both wait");
    Answer erased = admin("DELETE", "/admin/profiles/er-1", null);
    assertEquals(200, erased.status(), erased.raw());
    assertEquals(List.of(), outcomes("er-1"));
    assertEquals(0, store.journeyLog().entries("post_purchase", "er-1").count());
    await(() -> ended("er-2"), "the other person's run ended");
    Thread.sleep(5 * TICK.toMillis());
    assertEquals(List.of("er-2@example.com"), recipients(mail.getReceivedMessages()));
    assertEquals(List.of(), outcomes("er-1"), "nothing was written about the erased person afterwards");
  }

  @Test
  void frequencyCap_secondEmailWithinThePeriod_isSkippedWithItsReason() throws Exception {
    open(smtp());
    Answer a = admin("PUT", "/admin/journeys/post_purchase", POST_PURCHASE.formatted("always")
        .replace("\"reentry\"", "\"caps\": [{\"channel\": \"email\", \"max\": 1, \"per\": \"PT1H\"}], \"reentry\""));
    assertEquals(201, a.status(), a.raw());
    customer("fc-1", true);
    order("fc-1", "o-fc-1");
    await(() -> ended("fc-1"), "the first run ended");
    order("fc-1", "o-fc-2");
    await(() -> store.journeyLog().entries("post_purchase", "fc-1").count() == 2 && ended("fc-1"), "the second run ended");
    assertEquals(1, mail.getReceivedMessages().length);
    List<String> o = outcomes("fc-1");
    assertEquals("thanks:skipped(frequency cap: 1 per PT1H)", o.get(o.size() - 1), o.toString());
  }

  @Test
  void check_namesTheStepOfEachMistake() throws Exception {
    open(smtp());
    String bad = """
        {"key": "broken", "trigger": {"event": "no_such_event"},
         "steps": [{"id": "start", "send_email": "missing", "next": "loop_a"},
                   {"id": "loop_a", "wait": "PT1H", "next": "loop_b"},
                   {"id": "loop_b", "branch": "no_such_trait > 1", "yes": "loop_a", "no": "loop_a"},
                   {"id": "orphan", "exit": true}]}
        """;
    Answer a = admin("POST", "/admin/journeys/check", bad);
    assertEquals(200, a.status(), a.raw());
    String problems = a.body().get("problems").toString();
    assertFalse(a.body().get("ok").asBoolean());
    for (String expected : List.of("trigger: unknown event type 'no_such_event'", "step 'start': unknown template 'missing'",
        "step 'loop_b': ", "step 'orphan': unreachable", "step 'loop_a': never ends", "step 'start': never ends")) {
      assertTrue(problems.contains(expected), expected + " in " + problems);
    }
    Answer put = admin("PUT", "/admin/journeys/broken", bad);
    assertEquals(400, put.status(), put.raw());
    assertEquals(404, admin("GET", "/admin/journeys/broken", null).status());
  }

  @Test
  void put_sameDefinitionKeepsItsVersion_anEditAddsOne() throws Exception {
    open(smtp());
    saveJourney("never");
    saveJourney("never");
    assertEquals(1, admin("GET", "/admin/journeys/post_purchase", null).body().get("version").asInt());
    saveJourney("always");
    assertEquals(2, admin("GET", "/admin/journeys/post_purchase", null).body().get("version").asInt());
  }
}
