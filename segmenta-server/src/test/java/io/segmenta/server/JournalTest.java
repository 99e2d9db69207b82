package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenta.core.StoreException;
import io.segmenta.core.ingest.segment.SegmentSpec;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.model.Event;
import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.store.Store;
import io.segmenta.core.port.ViolationCount;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal over a real DuckDB file: a replay after a crash writes what was journaled without translating it
 * again, drops a torn tail, and parks what it cannot read; a record the database keeps refusing is retried, then
 * parked with its cause, while the records around it are applied, and neither the applier nor a restart stalls.
 */
class JournalTest {
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  @TempDir
  Path dir;

  Store open() {
    return DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()));
  }

  /** The real store, refusing every write that holds one of {@code poison}'s event ids, as a database refuses a value. */
  static Store refusing(Store real, Set<String> poison, AtomicInteger refusals) {
    Profiles profiles = (Profiles) Proxy.newProxyInstance(Profiles.class.getClassLoader(), new Class<?>[] {Profiles.class}, (proxy, m, args) -> {
      if (m.getName().equals("write") && args[0] instanceof Batch b && b.events().stream().anyMatch(e -> poison.contains(e.id()))) {
        refusals.incrementAndGet();
        throw new StoreException("refused by the test's store", null);
      }
      try {
        return m.invoke(real.profiles(), args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
    return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, (proxy, m, args) -> {
      if (m.getName().equals("profiles")) {
        return profiles;
      }
      try {
        return m.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  Journal journalIn(Store store) {
    return new Journal(store, dir, b -> { }, m -> { }, (id, c) -> { });
  }

  /** A track call translated against the store's schema, as the tracking route does (without declaring anything). */
  static Journal.Encoded track(Store store, String messageId, String user, String json) throws Exception {
    JsonNode m = Http.JSON.readTree("{\"userId\": \"" + user + "\", \"messageId\": \"" + messageId + "\", \"event\": \"Trial Started\", "
        + "\"timestamp\": \"2025-05-31T10:00:00Z\", \"properties\": " + json + "}");
    SegmentSpec.Translation t = SegmentSpec.translate(List.of(m), "track", false, store.catalog().schema(), NOW);
    assertTrue(t.ok(), t.problems().toString());
    return Journal.encode(t, "web", NOW);
  }

  static List<String> eventIds(Store store, String user) {
    return store.profiles().history(user).map(h -> h.events().stream().map(Event::id).sorted().toList()).orElse(List.of());
  }

  static void await(Journal j, long parked) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (j.status().parked() < parked && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** The real store, counting its profile writes (each apply of the journal is one, or one per run). */
  static Store counting(Store real, AtomicInteger writes) {
    return counting(real, Profiles.class, "profiles", real.profiles(), name -> name.equals("write"), writes);
  }

  /** The real store whose {@code accessor} port counts the calls {@code counted} names; everything else goes through. */
  static <T> Store counting(Store real, Class<T> role, String accessor, T port, Predicate<String> counted, AtomicInteger calls) {
    T proxy = role.cast(Proxy.newProxyInstance(role.getClassLoader(), new Class<?>[] {role}, (self, m, args) -> {
      if (counted.test(m.getName())) {
        calls.incrementAndGet();
      }
      return forward(m, port, args);
    }));
    return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
        (self, m, args) -> m.getName().equals(accessor) ? proxy : forward(m, real, args));
  }

  static Object forward(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void writeAsync_groupsAQuarterSecondApart_applyOnceASecond() throws Exception {
    AtomicInteger writes = new AtomicInteger();
    try (Store real = open()) {
      Store store = counting(real, writes);
      Journal j = journalIn(store);
      List<String> ids = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < 12; i++) {
        // Each is its own group, a quarter of a second after the last: time enough for an apply of its own.
        j.writeAsync(track(store, "g" + i, "u-cadence", "{}")).get(10, TimeUnit.SECONDS);
        ids.add("g" + i);
        Thread.sleep(250);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      int applied = writes.get();
      j.flush();
      assertEquals(ids.stream().sorted().toList(), eventIds(real, "u-cadence"), "every acknowledged record is applied");
      // Once a second (at most one more for the first period's rounding), not after every group as the applier did
      // when each group woke it: then each of the twelve was a write of its own.
      assertTrue(applied <= seconds + 1 && applied < 12, "applied in " + applied + " writes over " + seconds + " s");
      assertEquals(0, j.status().pending(), j.status().toString());
      j.close();
    }
  }

  @Test
  void applyNow_recordTheStoreKeepsRefusingIsParkedAndTheOthersApply() throws Exception {
    AtomicInteger refusals = new AtomicInteger();
    try (Store real = open()) {
      Store store = refusing(real, Set.of("poison"), refusals);
      Journal j = journalIn(store);
      List<CompletableFuture<Void>> acks = List.of(
          j.writeAsync(track(store, "a1", "u1", "{\"plan\": \"pro\"}")),
          j.writeAsync(track(store, "poison", "u1", "{\"plan\": \"basic\"}")),
          j.writeAsync(track(store, "c1", "u1", "{\"plan\": \"pro\", \"seats\": 3}")));
      for (CompletableFuture<Void> a : acks) {
        a.get(10, TimeUnit.SECONDS);
      }
      j.flush();
      await(j, 1);
      Journal.Status s = j.status();
      assertEquals(1, s.parked(), "the refused record is parked: " + s);
      assertEquals(0, s.pending(), "nothing waits: " + s);
      assertEquals(Journal.MAX_ATTEMPTS, s.failures(), "each attempt counted once: " + s);
      assertTrue(s.appliedRequests() >= 2 && s.appliedEvents() >= 2, s.toString());
      assertTrue(s.lastError().contains("refused by the test's store") && s.lastErrorAt() != null, s.toString());
      assertEquals(List.of("a1", "c1"), eventIds(real, "u1"), "the records around the refused one are applied");
      assertTrue(real.catalog().schema().property("seats").isPresent(), "the journal declares what a record needs and the schema lacks");

      List<Map.Entry<String, byte[]>> parked = JournalFile.parked(dir);
      assertEquals(1, parked.size());
      assertTrue(parked.get(0).getKey().contains("refused by the test's store"), parked.get(0).getKey());
      assertEquals("poison", JournalCodec.decode(parked.get(0).getValue()).events().get(0).id());
      assertEquals(0, Files.size(dir.resolve("journal.log")), "the journal is emptied once nothing is left to apply");

      // Later writes still apply.
      j.write(track(store, "d1", "u1", "{}"));
      j.flush();
      assertEquals(List.of("a1", "c1", "d1"), eventIds(real, "u1"));
      j.close();
    }
  }

  /** The real store, counting the writes to its consent ledger (one per person before the batch write). */
  static Store countingConsent(Store real, AtomicInteger writes) {
    return counting(real, ConsentLedger.class, "consent", real.consent(), name -> name.startsWith("record"), writes);
  }

  /** Identify calls giving (or withdrawing) e-mail consent, translated as the tracking route does, as one request. */
  static Journal.Encoded identifies(Store store, List<String> users, boolean granted, String at) throws Exception {
    List<JsonNode> ms = new ArrayList<>();
    for (String u : users) {
      ms.add(Http.JSON.readTree("{\"type\": \"identify\", \"userId\": \"" + u + "\", \"messageId\": \"id-" + u + "-" + granted + "\", \"timestamp\": \"" + at
          + "\", \"context\": {\"consent\": {\"categoryPreferences\": {\"email_marketing\": " + granted + "}}}}"));
    }
    SegmentSpec.Translation t = SegmentSpec.translate(ms, "identify", false, store.catalog().schema(), NOW);
    assertTrue(t.ok(), t.problems().toString());
    return Journal.encode(t, "web", NOW);
  }

  @Test
  void applyNow_batchOfIdentifiesWithConsent_recordsEveryoneInAWriteNotOnePerPerson() throws Exception {
    try (Store real = open()) {
      AtomicInteger consentWrites = new AtomicInteger();
      Store store = countingConsent(real, consentWrites);
      List<String> heard = Collections.synchronizedList(new ArrayList<>());
      Journal j = new Journal(store, dir, b -> { }, m -> { }, (id, c) -> heard.add(id));
      List<String> users = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        users.add("c" + i);
      }
      j.write(identifies(store, users, true, "2025-05-31T10:00:00Z"));
      // c0 withdraws later and c1 gives the same consent again: c0's second record starts a write of its own.
      j.write(identifies(store, List.of("c0"), false, "2025-05-31T11:00:00Z"));
      j.write(identifies(store, List.of("c1"), true, "2025-05-31T11:00:00Z"));
      j.flush();
      assertTrue(consentWrites.get() <= 3, consentWrites + " consent writes for 3 records of 302 people");
      Map<String, List<ConsentRecord>> consents = real.consent().consents(users);
      for (String u : users) {
        assertEquals(!u.equals("c0"), ConsentPolicy.allows(consents.get(u), Purpose.EMAIL_MARKETING), u);
      }
      assertEquals(2, consents.get("c0").size(), consents.get("c0").toString());
      assertEquals(1, consents.get("c1").size(), "a repeated grant is not recorded again: " + consents.get("c1"));
      assertEquals(302, heard.size(), "each record's choices are published as before");
      assertEquals(300, real.profiles().profileIds().size());
      j.close();
    }
  }

  @Test
  void applyNow_recordsTheViolationsOfALenientRequestUnderItsSource() throws Exception {
    try (Store store = open()) {
      Journal j = journalIn(store);
      j.write(track(store, "v1", "u4", "{\"seats\": 3}"));
      j.flush();
      JsonNode m = Http.JSON.readTree("{\"userId\": \"u4\", \"messageId\": \"v2\", \"event\": \"Trial Started\", \"properties\": {\"seats\": \"three\"}}");
      SegmentSpec.Translation t = SegmentSpec.translate(List.of(m), "track", false, store.catalog().schema(), NOW, SegmentSpec.Policy.LENIENT);
      assertTrue(t.ok() && !t.violations().isEmpty(), t.problems() + " " + t.violations());
      j.write(Journal.encode(t, "web", NOW));
      j.flush();
      List<ViolationCount> counts = store.violationLog().violations("web", 10);
      assertEquals(1, counts.size(), counts.toString());
      assertEquals(1, counts.get(0).count());
      assertTrue(counts.get(0).example().contains("three"), counts.toString());
      Event v2 = store.profiles().history("u4").orElseThrow().events().stream().filter(e -> e.id().equals("v2")).findFirst().orElseThrow();
      assertTrue(v2.extras().containsValue(Value.of("three")), v2.extras().toString());
      j.close();
    }
  }

  @Test
  void replay_writesJournaledRecordsWithoutTranslatingAndDropsATornTail() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Store store = open()) {
      // Translated against the schema of the time; the declarations they made were lost with the crash.
      log.write(JournalFile.frame(track(store, "r1", "u2", "{\"coupon_code\": \"X1\", \"ratio\": 0.5}").bytes()));
      log.write(JournalFile.frame(track(store, "r2", "u2", "{\"coupon_code\": \"X2\"}").bytes()));
      // A record of the older format (the raw request), as a previous version left it.
      String legacy = "{\"type\":\"track\",\"batch\":false,\"at\":\"2025-06-01T12:00:00Z\",\"body\":{\"userId\":\"u2\",\"messageId\":\"r3\","
          + "\"event\":\"Trial Started\",\"timestamp\":\"2025-05-31T10:00:00Z\"}}";
      log.write(JournalFile.frame(legacy.getBytes(StandardCharsets.UTF_8)));
      // A record whose frame is whole but whose content no version can read: parked, not fatal.
      log.write(JournalFile.frame(new byte[] {9, 1, 2, 3}));
      // The start of a record whose fsync never returned.
      byte[] torn = JournalFile.frame(track(store, "torn", "u2", "{}").bytes());
      log.write(torn, 0, torn.length - 3);
    }
    Files.write(dir.resolve("journal.log"), log.toByteArray());
    try (Store store = open()) {
      Journal j = journalIn(store);
      assertEquals(List.of("r1", "r2", "r3"), eventIds(store, "u2"));
      assertEquals("X1", store.profiles().history("u2").orElseThrow().events().stream().filter(e -> e.id().equals("r1")).findFirst().orElseThrow()
          .property("coupon_code").toString());
      assertTrue(store.catalog().schema().property("ratio").isPresent(), "declarations missing from the schema are made at replay");
      assertEquals(0, Files.size(dir.resolve("journal.log")), "the replayed journal, torn tail included, is emptied");
      List<Map.Entry<String, byte[]>> parked = JournalFile.parked(dir);
      assertEquals(1, parked.size());
      assertTrue(parked.get(0).getKey().startsWith("cannot be read: "), parked.get(0).getKey());
      assertEquals(1, j.status().parked());
      // New records after the replay are readable by the next one.
      j.write(track(store, "r4", "u2", "{}"));
      j.close();
      assertEquals(List.of("r1", "r2", "r3", "r4"), eventIds(store, "u2"));
    }
  }

  @Test
  void replay_recordTheStoreRefusesIsParkedAndStartCompletes() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Store store = open()) {
      log.write(JournalFile.frame(track(store, "ok1", "u3", "{}").bytes()));
      log.write(JournalFile.frame(track(store, "poison", "u3", "{}").bytes()));
      log.write(JournalFile.frame(track(store, "ok2", "u3", "{}").bytes()));
    }
    Files.write(dir.resolve("journal.log"), log.toByteArray());
    AtomicInteger refusals = new AtomicInteger();
    try (Store real = open()) {
      long start = System.nanoTime();
      Journal j = journalIn(refusing(real, Set.of("poison"), refusals));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(List.of("ok1", "ok2"), eventIds(real, "u3"));
      assertEquals(1, j.status().parked());
      // The group of three, then the half holding the record, then the record alone until it is parked.
      assertEquals(2 + Journal.MAX_ATTEMPTS, refusals.get());
      assertTrue(millis < 10_000, "start completes within the retries' backoff: " + millis + " ms");
      j.close();
    }
  }

  @Test
  void on_erasureWhileARecordWaitsForItsRetry_aReplayAfterACrashDoesNotBringThePersonBack() throws Exception {
    AtomicInteger refusals = new AtomicInteger();
    byte[] atTheCrash;
    try (Store real = open()) {
      Store store = refusing(real, Set.of("p1", "p2"), refusals);
      Journal j = journalIn(store);
      for (CompletableFuture<Void> a : List.of(
          j.writeAsync(track(store, "a1", "gone", "{\"plan\": \"pro\"}")),
          j.writeAsync(track(store, "p1", "gone", "{\"plan\": \"basic\"}")),
          j.writeAsync(track(store, "p2", "keep", "{}")),
          j.writeAsync(track(store, "k1", "keep", "{}")))) {
        a.get(10, TimeUnit.SECONDS);
      }
      j.flush();
      assertEquals(List.of("a1"), eventIds(real, "gone"), "the person's first record is in the database");
      assertEquals(2, j.status().pending(), "p1 and p2 wait for their retry: " + j.status());

      // The erasure use case's order: the holders forget, the store erases, the holders forget again. From the first
      // forgetting on, journal.log holds no byte of the person (the applier may only shrink it later), so a kill -9
      // at any moment after it leaves these bytes, or fewer, for the next start to replay.
      j.on(new ProfileEvent.Erased(Set.of("gone"), Set.of()));
      atTheCrash = Files.readAllBytes(dir.resolve("journal.log"));
      assertEquals(0, j.status().parked(), "the records still waited for their retry when the person was erased: " + j.status());
      assertEquals(1, j.status().pending(), "only keep's record still waits: " + j.status());
      real.profiles().erase(Set.of("gone"));
      j.on(new ProfileEvent.Erased(Set.of("gone"), Set.of()));
      j.close();
    }
    Files.write(dir.resolve("journal.log"), atTheCrash);
    try (Store store = open()) {
      Journal j = journalIn(store);
      assertEquals(List.of(), eventIds(store, "gone"), "a replay brings no record of the erased person back");
      assertTrue(store.profiles().history("gone").isEmpty(), "nor the profile");
      assertEquals(List.of("k1", "p2"), eventIds(store, "keep"), "the other person's waiting record survives the rewrite");
      j.close();
    }
  }
}
