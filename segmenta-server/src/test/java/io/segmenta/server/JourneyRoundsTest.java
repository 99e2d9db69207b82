package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyEngine;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.journey.Mailer;
import io.segmenta.core.journey.json.JourneyJson;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import jakarta.mail.internet.MimeMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tick's runs taken in rounds (one claim and one mark per round) with the engine on a real DuckDB file and e-mail to
 * GreenMail: every send claimed before the first delivery, caps across one round, consent read at sending for the
 * whole chunk, and a crash between a round's claim and its mark, after which every key of the round is delivered again
 * with its own Message-ID, and nothing a third time.
 */
class JourneyRoundsTest {
  static final String TEMPLATES = "\"templates\": {\"hi\": {\"subject\": \"Hi\", \"body\": \"<p>Hi</p>\"}}";
  static final int N = 30;

  @TempDir
  Path dir;
  GreenMail mail;
  Store store;
  Clock clock = Clock.systemUTC();

  @BeforeEach
  void start() {
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
  }

  @AfterEach
  void stop() {
    store.close();
    mail.stop();
  }

  Mailer smtp() {
    return new SmtpMailer(new SmtpMailer.Settings("127.0.0.1", mail.getSmtp().getPort(), "shop@example.com", null, null, false));
  }

  JourneyEngine engine(Mailer mailer, JourneyLog log) {
    return new JourneyEngine(store.catalog(), store.profiles(), store.consent(), store.segmentDefinitions(), store.scores(), store.audiences(),
        store.journeyDefinitions(), log, new JourneyEngine.Channels(mailer, null, null), id -> "http://shop.test/u/" + id, clock);
  }

  void people(int n, boolean consent) {
    List<Profile> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ps.add(new Profile("p" + i, List.of(new Identifier("email", "p" + i + "@example.com")), Map.of()));
    }
    store.profiles().write(new Batch(ps, List.of()));
    Map<String, List<ConsentRecord>> consents = new LinkedHashMap<>();
    for (int i = 0; consent && i < n; i++) {
      consents.put("p" + i, List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true, clock.instant(), "test")));
    }
    store.consent().recordConsents(consents);
  }

  Journey journey(String key, String caps) {
    return store.journeyDefinitions().save(JourneyJson.parse("{\"key\": \"" + key + "\", \"trigger\": {\"event\": \"order\"}, \"steps\": [{\"id\": \"mail\","
        + " \"send_email\": \"hi\"}]" + caps + ", " + TEMPLATES + "}"));
  }

  List<String> outcomes(String journey, String profileId) {
    return store.journeyLog().history(journey, profileId).stream().map(r -> r.step() + ":" + r.outcome() + (r.reason() == null ? "" : "(" + r.reason() + ")"))
        .toList();
  }

  static String key(String journey, int i) {
    return journey + "/1/p" + i + "/mail/1";
  }

  @Test
  void tick_manySendsInOneChunk_allClaimedBeforeTheFirstDelivery_eachSentOnce() throws Exception {
    people(N, true);
    Journey j = journey("thanks", "");
    JourneyEngine engine = engine(null, store.journeyLog());
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      engine.enter(j, "p" + i, "test");
      keys.add(key("thanks", i));
    }
    Mailer smtp = smtp();
    List<Map<String, JourneyLog.SendState>> atFirst = new ArrayList<>();
    Mailer watching = m -> {
      if (atFirst.isEmpty()) {
        atFirst.add(store.journeyLog().sends(keys));
      }
      smtp.send(m);
    };
    JourneyEngine.Tick t = engine(watching, store.journeyLog()).tick(500);
    assertEquals(N, t.runs());
    assertEquals(N, t.sent());
    assertEquals(N, atFirst.get(0).size(), "every key of the chunk was claimed before the first delivery");
    assertTrue(atFirst.get(0).values().stream().allMatch(s -> s == JourneyLog.SendState.PENDING));
    assertTrue(store.journeyLog().sends(keys).values().stream().allMatch(s -> s == JourneyLog.SendState.SENT), "and marked after");
    assertEquals(N, store.journeyLog().sends(keys).size());
    assertEquals(N, mail.getReceivedMessages().length);
    assertEquals(0, engine(watching, store.journeyLog()).tick(500).runs(), "every run ended");
    assertEquals(List.of("mail:entered(test)", "mail:sent"), outcomes("thanks", "p7"));
  }

  @Test
  void tick_twoSendsToOnePersonInOneChunk_capCountsTheFirst() throws Exception {
    people(2, true);
    String cap = ", \"caps\": [{\"channel\": \"email\", \"max\": 1, \"per\": \"PT16H\"}]";
    Journey a = journey("first_journey", cap);
    Journey b = journey("second_journey", cap);
    JourneyEngine engine = engine(smtp(), store.journeyLog());
    engine.enter(a, "p0", "test");
    engine.enter(b, "p0", "test");
    engine.enter(b, "p1", "test");
    JourneyEngine.Tick t = engine.tick(500);
    assertEquals(3, t.runs());
    assertEquals(2, t.sent(), "one e-mail to each person");
    assertEquals(List.of("p0@example.com", "p1@example.com"), JourneyServerTest.recipients(mail.getReceivedMessages()));
    List<String> last = List.of(outcomes("first_journey", "p0").get(1), outcomes("second_journey", "p0").get(1));
    assertTrue(last.contains("mail:sent") && last.contains("mail:skipped(frequency cap: 1 per PT16H)"), last.toString());
    // The next tick reads the delivered one from the store: a new run is capped too.
    engine.enter(a, "p1", "test");
    engine.tick(500);
    assertEquals("mail:skipped(frequency cap: 1 per PT16H)", outcomes("first_journey", "p1").get(1));
    assertEquals(2, mail.getReceivedMessages().length);
  }

  @Test
  void tick_consentWithdrawnAfterEntry_isReadForTheWholeChunkAtSending() throws Exception {
    people(N, true);
    Journey j = journey("thanks", "");
    JourneyEngine engine = engine(smtp(), store.journeyLog());
    for (int i = 0; i < N; i++) {
      engine.enter(j, "p" + i, "test");
    }
    Map<String, List<ConsentRecord>> withdrawals = new LinkedHashMap<>();
    for (int i = 0; i < N; i += 3) {
      withdrawals.put("p" + i, List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, false, clock.instant(), "unsubscribe")));
    }
    store.consent().recordConsents(withdrawals);
    JourneyEngine.Tick t = engine.tick(500);
    assertEquals(N - (N + 2) / 3, t.sent());
    assertEquals(N - (N + 2) / 3, mail.getReceivedMessages().length);
    assertEquals("mail:skipped(no e-mail marketing consent)", outcomes("thanks", "p3").get(1));
    assertEquals("mail:sent", outcomes("thanks", "p4").get(1));
  }

  /** Stands for the process killed: thrown past everything. */
  static final class Killed extends Error {
    private static final long serialVersionUID = 1L;
  }

  /** The log as the killed process saw it: every write goes through until {@code dies} says so. */
  JourneyLog dying(JourneyLog real, BiPredicate<String, Object[]> dies) {
    return (JourneyLog) Proxy.newProxyInstance(JourneyLog.class.getClassLoader(), new Class<?>[] {JourneyLog.class}, (p, m, args) -> {
      if (dies.test(m.getName(), args)) {
        throw new Killed();
      }
      try {
        return m.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  List<String> enterAll(Journey j) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      engine(null, store.journeyLog()).enter(j, "p" + i, "test");
      keys.add(key("thanks", i));
    }
    return keys;
  }

  /** Closes and opens the store again, as a restarted process does. */
  void restart() {
    store.close();
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
  }

  @Test
  void tick_killedBetweenDeliveriesAndMark_restartMarksTheNotedKeysAndSendsNothingAgain() throws Exception {
    people(N, true);
    Journey j = journey("thanks", "");
    List<String> keys = enterAll(j);
    JourneyLog dying = dying(store.journeyLog(), (name, args) -> name.equals("sent") && args[0] instanceof Collection);
    assertThrows(Killed.class, () -> engine(smtp(), dying).tick(500));
    assertEquals(N, mail.getReceivedMessages().length, "the round was delivered");
    assertTrue(store.journeyLog().sends(keys).values().stream().allMatch(s -> s == JourneyLog.SendState.PENDING), "and none marked");
    restart();
    assertTrue(store.journeyLog().sends(keys).values().stream().allMatch(s -> s == JourneyLog.SendState.SENT),
        "the deliveries noted before the kill are marked when the store opens");
    JourneyEngine restarted = engine(smtp(), store.journeyLog());
    restarted.tick(500);
    assertEquals(N, mail.getReceivedMessages().length, "nothing is delivered twice");
  }

  @Test
  void tick_killedInsideADelivery_restartDeliversOnlyThatKeyAgainWithItsMessageId() throws Exception {
    people(N, true);
    Journey j = journey("thanks", "");
    List<String> keys = enterAll(j);
    int[] noted = {0};
    // Killed after the SMTP server accepted the fourth message and before its delivery was noted.
    JourneyLog dying = dying(store.journeyLog(), (name, args) -> name.equals("delivered") && ++noted[0] == 4);
    assertThrows(Killed.class, () -> engine(smtp(), dying).tick(500));
    assertEquals(4, mail.getReceivedMessages().length);
    restart();
    Map<String, JourneyLog.SendState> states = store.journeyLog().sends(keys);
    assertEquals(3, states.values().stream().filter(s -> s == JourneyLog.SendState.SENT).count(), states.toString());
    engine(smtp(), store.journeyLog()).tick(500);
    assertTrue(store.journeyLog().sends(keys).values().stream().allMatch(s -> s == JourneyLog.SendState.SENT));
    MimeMessage[] all = mail.getReceivedMessages();
    assertEquals(N + 1, all.length, "everyone once, and the one whose delivery was not noted twice");
    Map<String, Integer> copies = new HashMap<>();
    Map<String, String> idOf = new HashMap<>();
    for (MimeMessage m : all) {
      String to = m.getAllRecipients()[0].toString();
      copies.merge(to, 1, Integer::sum);
      String before = idOf.putIfAbsent(to, m.getMessageID());
      assertTrue(before == null || before.equals(m.getMessageID()), "the second copy has the first's Message-ID: " + to);
    }
    assertEquals(1, copies.values().stream().filter(c -> c == 2).count(), copies.toString());
  }
}
