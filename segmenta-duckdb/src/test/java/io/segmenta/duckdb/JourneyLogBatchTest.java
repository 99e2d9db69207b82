package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.journey.JourneyLog.Entry;
import io.segmenta.core.journey.JourneyLog.Membership;
import io.segmenta.core.journey.JourneyLog.Run;
import io.segmenta.core.journey.JourneyLog.StepRecord;
import io.segmenta.core.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journey log's batch writes on a real DuckDB file: many runs and kept memberships in one transaction (all or
 * none), entries read for many profiles at once, the kept copy of a segment's members, and erasure reaching it.
 */
class JourneyLogBatchTest {
  static final Instant T = Instant.parse("2026-12-05T10:00:00Z");

  @TempDir
  Path dir;
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

  static Entry entry(String journey, String profile, String cause) {
    Run r = new Run(journey, profile, 1, 1, "first", T, 0, T, T);
    return new Entry(r, new StepRecord(journey, profile, 1, "first", "entered", "bench", T), cause);
  }

  @Test
  void enter_manyRunsAndMemberships_oneTransaction_lastChangeOfAProfileWins() {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 12_000; i++) {
      entries.add(entry("j", "p" + i, i % 2 == 0 ? "e" + i : null));
    }
    log.enter(entries, List.of(new Membership("j", "p1", true), new Membership("j", "p2", true), new Membership("j", "p1", false),
        new Membership("j", "p3", true), new Membership("k", "p1", true)));
    Map<String, JourneyLog.Entries> e = log.entries("j", List.of("p1", "p11999", "nobody"));
    assertEquals(Set.of("p1", "p11999"), e.keySet());
    assertTrue(e.get("p1").running());
    assertEquals(1, e.get("p11999").count());
    assertEquals(T, e.get("p1").lastEnteredAt());
    assertEquals(Set.of("p2", "p3"), log.members("j", null));
    assertEquals(Set.of("p1"), log.members("k", null));
    assertEquals(Set.of("p3"), log.members("j", List.of("p3", "p1", "p9")));
    assertEquals(List.of("first:entered"), log.history("j", "p7").stream().map(r -> r.step() + ":" + r.outcome()).toList());
    assertEquals(12_000, log.due(T, 20_000).size(), "every run is due");
    assertTrue(log.missed("j", "order", T).isEmpty(), "no event of the type, nothing missed");
  }

  @Test
  void enter_aFewRows_oneByOne_sameAnswers() {
    log.enter(List.of(entry("j", "p1", "e1")), List.of(new Membership("j", "p1", true), new Membership("j", "p1", false),
        new Membership("j", "p2", true)));
    assertEquals(Set.of("p2"), log.members("j", null));
    assertEquals(Set.of("p2"), log.members("j", List.of("p1", "p2")));
    assertEquals(Set.of("p1"), log.entries("j", List.of("p1", "p2")).keySet());
    assertEquals(1, log.entries("j", "p1").count());
  }

  @Test
  void enter_aBatchThatFails_writesNothing() {
    List<Entry> entries = new ArrayList<>(List.of(entry("j", "p1", null), entry("j", "p2", null)));
    // A run with a null step breaks the table's NOT NULL constraint, after the others were staged.
    entries.add(new Entry(new Run("j", "p3", 1, 1, null, T, 0, T, T), new StepRecord("j", "p3", 1, "first", "entered", null, T), null));
    assertThrows(RuntimeException.class, () -> log.enter(entries, List.of(new Membership("j", "p1", true))));
    assertTrue(log.entries("j", List.of("p1", "p2", "p3")).isEmpty(), "no run of the failed batch");
    assertTrue(log.members("j", null).isEmpty(), "no membership of the failed batch");
    assertTrue(log.history("j", "p1").isEmpty(), "no step record of the failed batch");
  }

  @Test
  void watch_replacesTheCopy_andErasureRemovesAPersonFromIt() {
    assertEquals(Optional.empty(), log.watched("j"));
    log.watch("j", "vip", List.of("a", "b", "b"));
    log.watch("j", "gold", List.of("b", "c"));
    assertEquals(Optional.of("gold"), log.watched("j"));
    assertEquals(Set.of("b", "c"), log.members("j", null));
    log.pause("j", true);
    assertEquals(Optional.of("gold"), log.watched("j"), "pausing keeps what is watched");
    log.erase(List.of("c"));
    assertEquals(Set.of("b"), log.members("j", null));
    assertFalse(log.members("j", List.of("c")).contains("c"));
  }

  @Test
  void apply_changesOfATick_oneTransaction_inTheirOrder() {
    log.enter(List.of(entry("j", "a", null), entry("j", "b", null), entry("j", "c", null), entry("j", "d", null)), List.of());
    Map<String, Run> due = new HashMap<>();
    log.due(T, 10).forEach(r -> due.put(r.profileId(), r));
    Instant later = T.plusSeconds(60);
    log.apply(List.of(new JourneyLog.Moved(due.get("a"), "second", T, new StepRecord("j", "a", 1, "first", "branched", "yes", T)),
        new JourneyLog.Moved(due.get("a").at("second", T), "third", later, new StepRecord("j", "a", 1, "second", "waiting", "PT1M", T)),
        new JourneyLog.Ended(due.get("b"), new StepRecord("j", "b", 1, "first", "exited", "exit step", T)),
        new JourneyLog.Retried(due.get("c"), later), new JourneyLog.Postponed(due.get("d"), later)));
    assertTrue(log.due(T, 10).isEmpty());
    List<Run> next = log.due(later, 10);
    assertEquals(List.of("a", "c", "d"), next.stream().map(Run::profileId).toList());
    assertEquals("third", next.get(0).step());
    assertEquals(1, next.get(1).attempts());
    assertEquals(List.of("entered", "branched", "waiting"), log.history("j", "a").stream().map(StepRecord::outcome).toList());
    assertEquals("exited", log.history("j", "b").get(1).outcome());
  }

  @Test
  void apply_aChangeThatFails_writesNoneOfTheBatch() {
    log.enter(List.of(entry("j", "a", null), entry("j", "b", null)), List.of());
    List<Run> due = log.due(T, 10);
    assertThrows(RuntimeException.class, () -> log.apply(List.of(new JourneyLog.Ended(due.get(0), new StepRecord("j", "a", 1, "first", "exited", "x", T)),
        new JourneyLog.Ended(due.get(1), null))));
    assertEquals(2, log.due(T, 10).size());
    assertEquals(1, log.history("j", "a").size());
  }

  @Test
  void claim_withTheChangesBeforeIt_writesBoth() {
    log.enter(List.of(entry("j", "a", null)), List.of());
    Run a = log.due(T, 10).get(0);
    log.claim(List.of(new JourneyLog.Moved(a, "send", T, new StepRecord("j", "a", 1, "first", "branched", "yes", T))), "k", "j", "a", "email", T);
    assertEquals(Optional.of(JourneyLog.SendState.PENDING), log.send("k"));
    assertEquals("send", log.due(T, 10).get(0).step());
  }
}
