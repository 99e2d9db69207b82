package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.journey.JourneyLog.Change;
import io.segmenta.core.journey.JourneyLog.Claim;
import io.segmenta.core.journey.JourneyLog.Entry;
import io.segmenta.core.journey.JourneyLog.Run;
import io.segmenta.core.journey.JourneyLog.SendState;
import io.segmenta.core.journey.JourneyLog.StepRecord;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a journey tick reads and writes for a whole chunk of runs, on a real DuckDB file: send keys' states, recent
 * sends and consents of many profiles in one read each (the same answers as one by one), the chunk's changes and
 * claims in one transaction (the same rows as one by one; all or none), and the marks.
 */
class JourneyChunkTest {
  static final Instant T = JourneyLogBatchTest.T;
  static final int N = 40;

  @TempDir
  Path dir;
  @TempDir
  Path other;
  Store store;
  JourneyLog log;

  @BeforeEach
  void open() {
    store = DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()));
    log = store.journeyLog();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static List<Entry> entries(int n) {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(JourneyLogBatchTest.entry("j", "p" + i, null));
    }
    return out;
  }

  static StepRecord rec(Run r, String step, String outcome) {
    return new StepRecord(r.journey(), r.profileId(), r.entry(), step, outcome, null, T);
  }

  /** Every kind of change, two moves in a row for some runs (a tick walks several steps), more than a few in all. */
  static List<Change> changes(List<Run> due) {
    List<Change> out = new ArrayList<>();
    Instant later = T.plusSeconds(60);
    for (Run r : due) {
      int i = Integer.parseInt(r.profileId().substring(1));
      switch (i % 5) {
        case 0 -> {
          out.add(new JourneyLog.Moved(r, "second", T, rec(r, "first", "branched")));
          Run at = r.at("second", T);
          out.add(new JourneyLog.Moved(at, "third", later, rec(at, "second", "waiting")));
        }
        case 1 -> out.add(new JourneyLog.Ended(r, rec(r, "first", "exited")));
        case 2 -> out.add(new JourneyLog.Retried(r, later));
        case 3 -> out.add(new JourneyLog.Postponed(r, later));
        default -> out.add(new JourneyLog.Moved(r, "first", later.plusSeconds(i), rec(r, "first", "deferred")));
      }
    }
    return out;
  }

  @Test
  void apply_manyChanges_sameRowsAndRecordsAsOneByOne() {
    log.enter(entries(N), List.of());
    List<Change> batch = changes(log.due(T, 100));
    log.apply(batch);
    try (Store single = DuckDb.open(StoreConfig.resolve(other, "512MB", 1, Map.of()))) {
      JourneyLog one = single.journeyLog();
      one.enter(entries(N), List.of());
      for (Change c : changes(one.due(T, 100))) {
        one.apply(List.of(c));
      }
      Instant end = T.plusSeconds(3600);
      assertEquals(one.due(end, 100), log.due(end, 100), "the same runs, steps, due times, attempts and step_since");
      assertEquals(N - N / 5, log.due(end, 100).size(), "every run but the ended ones");
      for (int i = 0; i < N; i++) {
        assertEquals(one.history("j", "p" + i), log.history("j", "p" + i), "p" + i);
        assertEquals(one.entries("j", "p" + i), log.entries("j", "p" + i), "p" + i);
      }
    }
    assertEquals(List.of("entered", "branched", "waiting"), log.history("j", "p0").stream().map(StepRecord::outcome).toList(), "records in their order");
  }

  @Test
  void claim_manyKeysWithTheChangesBeforeThem_oneTransaction_readTogether() {
    log.enter(entries(N), List.of());
    List<Run> due = log.due(T, 100);
    List<Change> before = new ArrayList<>();
    List<Claim> claims = new ArrayList<>();
    for (Run r : due) {
      before.add(new JourneyLog.Moved(r, "mail", T, rec(r, "first", "branched")));
      claims.add(new Claim("k/" + r.profileId(), "j", r.profileId(), "email", T));
    }
    claims.add(new Claim("k/p0", "j", "p0", "email", T.plusSeconds(1)));
    log.claim(before, claims);
    List<String> keys = new ArrayList<>(claims.stream().map(Claim::key).distinct().toList());
    Map<String, SendState> states = log.sends(keys);
    assertEquals(N, states.size(), "a key claimed twice in a chunk is one row");
    assertTrue(states.values().stream().allMatch(s -> s == SendState.PENDING));
    assertTrue(log.due(T, 100).stream().allMatch(r -> r.step().equals("mail")), "the changes before the claims are written with them");
    log.sent(keys.subList(0, 10), T.plusSeconds(2));
    log.claim(List.of(), claims.subList(0, 20));
    keys.add("never-claimed");
    Map<String, SendState> after = log.sends(keys);
    assertEquals(N, after.size(), "a key never claimed is absent, and claiming again adds no row");
    for (int i = 0; i < N; i++) {
      assertEquals(log.send(keys.get(i)).orElseThrow(), after.get(keys.get(i)), "the same answer as one by one");
    }
    assertEquals(10, after.values().stream().filter(s -> s == SendState.SENT).count(), "claiming a sent key again keeps it sent");
  }

  @Test
  void claim_aBatchThatFails_writesNeitherChangesNorClaims() {
    log.enter(entries(N), List.of());
    List<Run> due = log.due(T, 100);
    List<Change> before = new ArrayList<>();
    List<Claim> claims = new ArrayList<>();
    for (Run r : due) {
      before.add(new JourneyLog.Moved(r, "mail", T, rec(r, "first", "branched")));
      // The last claim breaks the table's NOT NULL constraint, after the others were staged.
      claims.add(new Claim("k/" + r.profileId(), "j", r.profileId(), r.profileId().equals("p" + (N - 1)) ? null : "email", T));
    }
    assertThrows(RuntimeException.class, () -> log.claim(before, claims));
    assertTrue(log.sends(claims.stream().map(Claim::key).toList()).isEmpty(), "no claim of the failed chunk");
    assertTrue(log.due(T, 100).stream().allMatch(r -> r.step().equals("first")), "no change of the failed chunk");
  }

  @Test
  void sentTimes_manyProfiles_onlyTheChannelsDeliveredSendsSince() {
    List<Claim> claims = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      claims.add(new Claim("e/" + i, "j", "p" + (i % 20), "email", T));
    }
    claims.add(new Claim("w/0", "j", "p0", "webhook", T));
    claims.add(new Claim("pending", "j", "p0", "email", T));
    log.claim(List.of(), claims);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      sent.add("e/" + i);
    }
    log.sent(sent.subList(0, 20), T.minusSeconds(3600));
    log.sent(sent.subList(20, N), T);
    log.sent(List.of("w/0"), T);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      ids.add("p" + i);
    }
    Map<String, List<Instant>> recent = log.sentTimes(ids, "email", T.minusSeconds(60));
    assertEquals(20, recent.size(), "profiles with no send are absent");
    assertEquals(List.of(T), recent.get("p0"), "the webhook, the pending e-mail and the older e-mail are not counted");
    Map<String, List<Instant>> all = log.sentTimes(ids, "email", T.minusSeconds(7200));
    for (String id : ids) {
      assertEquals(log.sentSince(id, "email", T.minusSeconds(7200)), all.getOrDefault(id, List.of()).size(), id);
    }
  }

  @Test
  void consents_manyProfiles_sameAsOneByOne() {
    List<Profile> ps = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      ps.add(new Profile("c" + i, List.of(new Identifier("email", "c" + i + "@example.com")), Map.of()));
    }
    store.profiles().write(new Batch(ps, List.of()));
    for (int i = 0; i < N; i += 2) {
      store.consent().recordConsent("c" + i, List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, true, T, "test")));
      if (i % 4 == 0) {
        store.consent().recordConsent("c" + i, List.of(new ConsentRecord(Purpose.EMAIL_MARKETING, false, T.plusSeconds(5), "unsubscribe"),
            new ConsentRecord(Purpose.ANALYTICS, true, T.plusSeconds(5), "test")));
      }
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      ids.add("c" + i);
    }
    ids.add("nobody");
    Map<String, List<ConsentRecord>> together = store.consent().consents(ids);
    Map<String, List<ConsentRecord>> oneByOne = new HashMap<>();
    ids.forEach(id -> oneByOne.put(id, store.consent().consents(id)));
    assertEquals(oneByOne, together);
    assertEquals(List.of(), together.get("c1"), "a profile without consent maps to an empty list");
    assertEquals(3, together.get("c0").size());
    assertEquals(Optional.of(false), together.get("c0").stream().filter(c -> c.purpose() == Purpose.EMAIL_MARKETING).reduce((a, b) -> b)
        .map(ConsentRecord::granted), "the withdrawal is the latest");
  }
}
