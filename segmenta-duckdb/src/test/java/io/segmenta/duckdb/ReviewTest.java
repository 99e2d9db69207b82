package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.history.History;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.review.Alert;
import io.segmenta.core.review.Finding;
import io.segmenta.core.review.Review;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reason of the review, each shown by a store built to have it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReviewTest {
  static final Instant NOW = Instant.parse("2025-06-30T12:00:00Z");
  static final Instant THEN = NOW.minus(Duration.ofDays(90));

  @TempDir
  static Path dir;
  static Store store;

  @BeforeAll
  static void build() {
    store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
    List<Profile> profiles = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      String id = "p" + i;
      // Ages cycle 18..77 over the ids, so any run of ids has the same age mix; the buyers below are picked by age.
      profiles.add(new Profile(id, List.of(), Map.of("age", new Value.Num(18 + i % 60))));
      int age = 18 + i % 60;
      // Buyers: 220 young ones ordered before THEN, 224 old ones now: the size holds, the ages drift.
      if (age < 40) {
        events.add(event(id + "-o1", id, "order", THEN.minus(Duration.ofDays(5))));
      }
      if (age >= 50 && i < 480) {
        events.add(event(id + "-o2", id, "order", NOW.minus(Duration.ofDays(5))));
      }
      // Sessions grow: 110 before THEN, 250 now. Product views shrink: 400 before THEN, 150 now.
      if (i < 110) {
        events.add(event(id + "-s1", id, "session", THEN.minus(Duration.ofDays(3))));
      }
      if (i < 250) {
        events.add(event(id + "-s2", id, "session", NOW.minus(Duration.ofDays(3))));
      }
      if (i < 400) {
        events.add(event(id + "-v1", id, "product_view", THEN.minus(Duration.ofDays(2))));
      }
      if (i < 150) {
        events.add(event(id + "-v2", id, "product_view", NOW.minus(Duration.ofDays(2))));
      }
    }
    store.profiles().write(new Batch(profiles, events));
    save("everyone", "age >= 0");
    save("nearly-everyone", "age >= 19");
    save("tiny", "age = 33");
    save("buyers", "count(order in last 30 days) >= 1");
    save("visitors", "count(session in last 30 days) >= 1");
    save("browsers", "count(product_view in last 30 days) >= 1");
  }

  static Event event(String id, String profile, String type, Instant at) {
    return new Event(id, profile, null, type, at, Map.of(), List.of());
  }

  static void save(String name, String rule) {
    store.segmentDefinitions().save(new SegmentDefinition(name, RuleText.print(RuleText.parseRule(rule)), "", NOW));
  }

  @AfterAll
  static void close() {
    store.close();
  }

  static Review review() {
    return new Review(store.segmentDefinitions(), store.audiences(), store.history(),
        name -> name.equals("buyers") ? List.of("journey thanks") : List.of(), Review.Settings.DEFAULT);
  }

  static Set<Finding.Reason> reasons(List<Finding> findings, String segment) {
    return findings.stream().filter(f -> f.segment().equals(segment)).map(Finding::reason).collect(Collectors.toSet());
  }

  @Test
  @Order(1)
  void findings_eachReasonOnTheSegmentBuiltForIt() {
    List<Finding> f = review().findings(NOW, NOW.minus(Duration.ofDays(2)));
    assertTrue(reasons(f, "tiny").contains(Finding.Reason.TOO_SMALL), String.valueOf(f));
    assertTrue(reasons(f, "visitors").contains(Finding.Reason.GROWING), String.valueOf(f));
    assertTrue(reasons(f, "browsers").contains(Finding.Reason.SHRINKING), String.valueOf(f));
    assertTrue(reasons(f, "buyers").contains(Finding.Reason.DRIFTING), String.valueOf(f));
    assertTrue(reasons(f, "nearly-everyone").contains(Finding.Reason.OVERLAPPING), String.valueOf(f));
    assertTrue(f.stream().anyMatch(x -> x.reason() == Finding.Reason.OVERLAPPING && x.detail().contains("'everyone'")), String.valueOf(f));
    assertTrue(reasons(f, "everyone").contains(Finding.Reason.NEVER_ACTED_ON));
    // What is not so is not said: the buyers are used by a journey, keep their size, and nobody is stale.
    assertFalse(reasons(f, "buyers").contains(Finding.Reason.NEVER_ACTED_ON));
    assertFalse(reasons(f, "buyers").contains(Finding.Reason.GROWING) || reasons(f, "buyers").contains(Finding.Reason.SHRINKING), String.valueOf(f));
    assertFalse(reasons(f, "everyone").contains(Finding.Reason.OVERLAPPING), "reported on the smaller of the two");
    assertTrue(f.stream().noneMatch(x -> x.reason() == Finding.Reason.STALE), String.valueOf(f));
    assertFalse(reasons(f, "tiny").contains(Finding.Reason.DRIFTING), "too few to compare");
  }

  @Test
  @Order(2)
  void findings_oldDataIsStale() {
    List<Finding> f = review().findings(NOW, NOW.minus(Duration.ofDays(20)));
    assertTrue(f.stream().filter(x -> x.reason() == Finding.Reason.STALE).map(Finding::segment).collect(Collectors.toSet())
        .containsAll(List.of("everyone", "buyers", "tiny")), String.valueOf(f));
    assertTrue(f.stream().anyMatch(x -> x.reason() == Finding.Reason.STALE && x.detail().contains("20 days old")));
  }

  @Test
  @Order(3)
  void alerts_keptOncePerSegmentReasonAndDay() {
    Alert a = new Alert(NOW, "tiny", Finding.Reason.TOO_SMALL, "10 members");
    assertEquals(List.of(a), store.alerts().raise(List.of(a)));
    assertEquals(List.of(), store.alerts().raise(List.of(new Alert(NOW.plusSeconds(60), "tiny", Finding.Reason.TOO_SMALL, "10 members"))));
    Alert next = new Alert(NOW.plus(Duration.ofDays(1)), "tiny", Finding.Reason.TOO_SMALL, "10 members");
    assertEquals(List.of(next), store.alerts().raise(List.of(next)));
    assertEquals(List.of(next, a), store.alerts().alerts(NOW.minusSeconds(1), 10));
  }

  @Test
  @Order(9)
  void findings_aHistoryNotRecomputedForLongIsStale() {
    new History(store.segmentDefinitions(), store.membership(), store.history()).recompute(NOW.minus(Duration.ofDays(30)));
    List<Finding> f = review().findings(NOW, NOW.minus(Duration.ofDays(1)));
    assertTrue(f.stream().anyMatch(x -> x.reason() == Finding.Reason.STALE && x.detail().contains("recomputed 30 days ago")), String.valueOf(f));
  }
}
