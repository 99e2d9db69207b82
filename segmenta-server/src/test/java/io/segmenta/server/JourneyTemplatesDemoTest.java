package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyCheck;
import io.segmenta.core.journey.json.JourneyTemplates;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.MovingClock;
import io.segmenta.testkit.ShopGenerator;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three built-in journeys on the demo shop (ShopGenerator's standard shop, 400 customers, its history ending
 * 2025-06-30), out of the box but for consent: the demo has no consent choices, and a shop imports its own, so every
 * customer here has granted marketing e-mail. A clock the test moves stands in for the hours the journeys wait.
 */
class JourneyTemplatesDemoTest {
  @TempDir
  Path dir;

  @Test
  void builtInJourneys_onTheDemoShop_sendWithinConsentCapsAndHoldouts() throws Exception {
    ShopGenerator shop = ShopGenerator.standard();
    MovingClock clock = MovingClock.at(shop.asOf());
    GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    String buyer = ShopGenerator.profileId(7);
    String product;
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()))) {
      shop.generate(0, 400, 400, store.profiles()::write);
      Map<String, List<ConsentRecord>> consents = new LinkedHashMap<>();
      for (String id : store.profiles().profileIds()) {
        consents.put(id, List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true, shop.asOf().minusSeconds(60), "test")));
      }
      store.consent().recordConsents(consents);
      product = store.profiles().history(buyer).orElseThrow().events().stream().filter(e -> e.type().equals("order") && !e.lines().isEmpty())
          .map(e -> e.lines().get(0).productId()).findFirst().orElseThrow();
      Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
      JourneyTemplates.SEGMENTS.forEach((name, rule) -> segments.save(name, rule, "needed by the built-in journeys"));
      JourneyCheck check = new JourneyCheck(store.catalog().schema(), segments, store.segmentDefinitions());
      for (String k : JourneyTemplates.KEYS) {
        Journey j = JourneyTemplates.journey(k);
        assertEquals(List.of(), check.problems(j), k);
        store.journeyDefinitions().save(j);
      }
      SmtpMailer smtp = new SmtpMailer(new SmtpMailer.Settings("127.0.0.1", mail.getSmtp().getPort(), "shop@example.com", null, null, false));
      Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of(JourneyServerTest.WRITE), JourneyServerTest.ADMIN, clock, dir),
          new JourneySettings(smtp, JourneyServerTest.TICK));
      JourneyServerTest http = new JourneyServerTest();
      http.server = server;
      try {
        // 2025-07-01 01:00 in Stockholm: the schedules fire now and wait for 10:00; the order's journey waits 2 h, then quiet hours.
        http.track("/v1/track", "{\"userId\": \"" + buyer + "\", \"messageId\": \"m-demo-1\", \"event\": \"Order Completed\", \"properties\":"
            + " {\"order_id\": \"demo-1\", \"revenue\": 40, \"products\": [{\"product_id\": \"" + product + "\", \"price\": 40}]}}");
        awaitLong(() -> store.journeyLog().entries("post_purchase", buyer).count() == 1
            && store.journeyLog().lastFired("lapsed_reengagement").isPresent() && store.journeyLog().lastFired("loyalty_most_valuable").isPresent(),
            "the order entered and both schedules fired");
        long lapsed = store.journeyLog().outcomes("lapsed_reengagement", Duration.ofDays(1)).size();
        long loyal = store.journeyLog().outcomes("loyalty_most_valuable", Duration.ofDays(1)).size();
        assertTrue(lapsed >= 20 && loyal >= 5, "entered: lapsed " + lapsed + ", loyalty " + loyal);
        // Every entry must have reached its morning wait before the clock moves: a run that reaches it after the move
        // waits, rightly, for the next morning.
        awaitLong(() -> waitingForMorning(http, "lapsed_reengagement") && waitingForMorning(http, "loyalty_most_valuable"),
            () -> "every entry waits for the morning: lapsed " + status(http, "lapsed_reengagement") + ", loyalty " + status(http, "loyalty_most_valuable"));
        Thread.sleep(10 * JourneyServerTest.TICK.toMillis());
        assertEquals(0, mail.getReceivedMessages().length, "nothing before 10:00 and outside the quiet hours");
        clock.set(Instant.parse("2025-07-01T08:00:30Z"));
        awaitLong(() -> {
          JsonNode l = status(http, "lapsed_reengagement");
          return !store.journeyLog().entries("post_purchase", buyer).running() && status(http, "loyalty_most_valuable").get("in_progress").asLong() == 0
              && count(l, "ab/") + l.get("goal").asLong() == l.get("entered").asLong() && count(l, "miss_you/") == count(l, "ab/split");
        }, () -> "every due step was taken; post_purchase running " + store.journeyLog().entries("post_purchase", buyer).running()
            + ", lapsed " + status(http, "lapsed_reengagement") + ", loyalty " + status(http, "loyalty_most_valuable"));
        Map<String, Integer> subjects = new HashMap<>();
        String related = null;
        for (MimeMessage m : mail.getReceivedMessages()) {
          subjects.merge(m.getSubject().replaceAll(",.*", ""), 1, Integer::sum);
          if (m.getAllRecipients()[0].toString().startsWith(buyer + "@")) {
            related = m.getContent().toString();
          }
        }
        assertTrue(related != null && related.contains("<li>"), "the order's e-mail lists related products: " + related);
        assertTrue(subjects.getOrDefault("We miss you", 0) > 0 && subjects.getOrDefault("A thank-you for our best customers", 0) > 0, subjects.toString());
        JsonNode s = status(http, "lapsed_reengagement");
        assertTrue(s.get("held_out").asLong() > 0 && s.get("holdout").get("percent").asInt() == 10, s.toString());
        assertEquals(mail.getReceivedMessages().length, status(http, "post_purchase").get("sent").asLong() + s.get("sent").asLong()
            + status(http, "loyalty_most_valuable").get("sent").asLong());
      } finally {
        server.close();
        mail.stop();
      }
    }
  }

  /** Hundreds of runs fall due at once here: a longer wait than {@link JourneyServerTest#await} (the machine may be busy). */
  static void awaitLong(BooleanSupplier condition, String what) throws InterruptedException {
    awaitLong(condition, () -> what);
  }

  /** As above, with the state at the time out in the message. */
  static void awaitLong(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(240).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting until " + what.get());
      }
      Thread.sleep(200);
    }
  }

  /** Whether every entry of the journey waits at its "morning" step. */
  static boolean waitingForMorning(JourneyServerTest http, String key) {
    JsonNode s = status(http, key);
    return count(s, "morning/waiting") == s.get("entered").asLong();
  }

  /** The records of the status' steps whose "step/outcome" starts with {@code prefix}. */
  static long count(JsonNode status, String prefix) {
    long n = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = status.get("steps").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      n += e.getKey().startsWith(prefix) ? e.getValue().asLong() : 0;
    }
    return n;
  }

  static JsonNode status(JourneyServerTest http, String key) {
    try {
      JourneyServerTest.Answer a = http.admin("GET", "/admin/journeys/" + key + "/status?window=P7D", null);
      assertEquals(200, a.status(), a.raw());
      return a.body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
