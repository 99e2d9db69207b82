package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import io.segmenta.core.erasure.Erasures;
import io.segmenta.core.history.Destination;
import io.segmenta.core.history.Flow;
import io.segmenta.core.history.History;
import io.segmenta.core.history.Recomputed;
import io.segmenta.core.history.SizePoint;
import io.segmenta.core.history.Stay;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.store.Store;
import io.segmenta.testkit.ExampleSegments;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Membership history on the synthetic shop: stays agree with evaluating the rules, past sizes come in one scan. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembershipIntervalsTest {
  @TempDir
  static Path dir;
  static ShopFixture shop;
  static Store store;

  /** Rules whose membership moves with time: windows, days since, computed traits, nested segments. */
  static final Map<String, String> MOVING = new LinkedHashMap<>();

  static {
    MOVING.put("recent-buyers", "count(order in last 30 days) >= 1");
    MOVING.put("lapsed", "count(order) >= 1 and days_since(order) > 120");
    MOVING.put("big-spenders", "sum(order.revenue in last 365 days) > 300");
    MOVING.put("recent-or-lapsed", "segment \"recent-buyers\" or segment \"lapsed\"");
    MOVING.put("first-timers", "count(order) = 1 and days_since_first(order) <= 60");
  }

  @BeforeAll
  static void load() {
    shop = ShopFixture.load(dir, 400);
    store = shop.store();
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    for (Map.Entry<String, String> e : MOVING.entrySet()) {
      store.segmentDefinitions().save(new SegmentDefinition(e.getKey(), RuleText.print(RuleText.parseRule(e.getValue())), "", t));
    }
    ExampleSegments.ALL.values().forEach(x -> store.segmentDefinitions().save(new SegmentDefinition(x.name(), x.rule(), "", t)));
  }

  @AfterAll
  static void close() {
    store.close();
  }

  private static long count(String segment, Instant at) {
    return store.audiences().run(new AudienceQuery.Count(RuleText.parseRule(store.segmentDefinitions().find(segment).orElseThrow().rule()), at));
  }

  /** The history's days: recomputed every 14 days, moving forward only, shared by the ordered tests. */
  static final int STEP = 14;

  static LocalDate last() {
    return LocalDate.ofInstant(shop.asOf(), ZoneOffset.UTC);
  }

  static LocalDate first() {
    return last().minusDays(10 * STEP);
  }

  @Test
  @Order(1)
  void recompute_staysAgreeWithTheRulesEveryDay() {
    History history = new History(store.segmentDefinitions(), store.membership(), store.history());
    LocalDate first = first();
    LocalDate last = last();
    List<Recomputed> runs = new ArrayList<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(STEP)) {
      runs.addAll(history.recompute(History.endOf(d)));
    }
    for (String segment : List.of("recent-buyers", "lapsed", "recent-or-lapsed", "first-timers")) {
      long previous = -1;
      for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(STEP)) {
        Instant at = History.endOf(d);
        long size = count(segment, at);
        assertEquals(size, store.history().membersAt(segment, at, 0, 100_000).size(), segment + " on " + d);
        SizePoint p = store.history().sizes(segment, List.of(at)).get(0);
        assertEquals(size, p.size(), segment + " size on " + d);
        assertEquals(SizePoint.Source.HISTORY, p.source());
        if (previous >= 0) {
          // What came in minus what went out between two recomputes is the change in size.
          Flow f = store.history().flows(segment, List.of(at.minus(STEP, ChronoUnit.DAYS).plusNanos(1000), at.plusNanos(1000))).get(0);
          assertEquals(size - previous, f.inflow() - f.outflow(), segment + " flows to " + d);
        }
        previous = size;
      }
    }
    assertTrue(runs.stream().anyMatch(r -> r.segment().equals("recent-buyers") && r.entered() > 0 && r.left() > 0), "recent buyers move: " + runs);
    // Before the first recompute there is no history, and no backfill yet.
    assertEquals(SizePoint.Source.NONE, store.history().sizes("lapsed", List.of(History.endOf(first.minusDays(1)))).get(0).source());
    // A history only moves forward.
    UserException back = assertThrows(UserException.class, () -> history.recompute(History.endOf(first)));
    assertTrue(back.getMessage().contains("only moves forward"), back.getMessage());
  }

  @Test
  @Order(2)
  void destinations_countEveryLeaverOnce() {
    Instant from = History.endOf(first()).plusNanos(1000);
    Instant until = History.endOf(last()).plusNanos(1000);
    long outflow = store.history().flows("recent-buyers", List.of(from, until)).get(0).outflow();
    List<Destination> went = store.history().destinations("recent-buyers", from, until);
    // Every leaver is counted once per segment they were in right after (or once as in none): no destination
    // holds more than the leavers, and together they hold each leaver at least once.
    assertTrue(went.stream().allMatch(d -> d.leavers() <= outflow), String.valueOf(went));
    assertTrue(went.stream().mapToLong(Destination::leavers).sum() >= outflow, String.valueOf(went));
    assertTrue(outflow > 0);
    // A recent buyer who stops buying is lapsed only after 120 days: leaving recent-buyers leaves recent-or-lapsed too.
    assertTrue(went.stream().noneMatch(d -> "recent-or-lapsed".equals(d.segment())), String.valueOf(went));
    assertTrue(went.stream().anyMatch(d -> "big-spenders".equals(d.segment())), String.valueOf(went));
  }

  @Test
  @Order(3)
  void stays_sayWhenAndWhy() {
    LocalDate last = last();
    String someone = store.history().membersAt("recent-buyers", History.endOf(last), 0, 1).get(0);
    List<Stay> stays = store.history().stays(someone, "recent-buyers");
    assertFalse(stays.isEmpty());
    Stay open = stays.get(stays.size() - 1);
    assertTrue(open.covers(History.endOf(last)));
    for (Stay s : stays) {
      // Entering recent-buyers takes an order: the cause is an event id, or the start of the history.
      assertTrue(s.enterCause().equals("start") || !s.enterCause().equals("time"), s.toString());
      if (s.left() != null) {
        // Leaving it takes only time (30 days without an order).
        assertEquals("time", s.exitCause(), s.toString());
      }
    }
  }

  @Test
  @Order(4)
  void sizesFromEvents_oneScanEqualsPerDateEvaluation() {
    LocalDate last = LocalDate.ofInstant(shop.asOf(), ZoneOffset.UTC);
    List<Instant> at = new ArrayList<>();
    for (int back = 0; back <= 720; back += 60) {
      at.add(History.endOf(last.minusDays(back)));
    }
    at.add(shop.asOf());
    Set<String> names = new HashSet<>(MOVING.keySet());
    names.addAll(List.of("eco-conscious", "fitness-enthusiasts", "budget-conscious", "luxury-buyers"));
    for (String name : names) {
      Rule rule = RuleText.parseRule(store.segmentDefinitions().find(name).orElseThrow().rule());
      List<Long> oneScan = store.history().sizesFromEvents(rule, at);
      for (int i = 0; i < at.size(); i++) {
        assertEquals(store.audiences().run(new AudienceQuery.Count(rule, at.get(i))), oneScan.get(i), name + " at " + at.get(i));
      }
    }
  }

  @Test
  @Order(5)
  void backfill_givesSizesBeforeTheHistoryBegins() {
    History history = new History(store.segmentDefinitions(), store.membership(), store.history());
    LocalDate last = LocalDate.ofInstant(shop.asOf(), ZoneOffset.UTC);
    Map<LocalDate, Long> sizes = history.backfill("big-spenders", last.minusDays(900), last.minusDays(890));
    assertEquals(11, sizes.size());
    for (Map.Entry<LocalDate, Long> e : sizes.entrySet()) {
      SizePoint p = store.history().sizes("big-spenders", List.of(History.endOf(e.getKey()))).get(0);
      assertEquals(count("big-spenders", History.endOf(e.getKey())), p.size());
      assertEquals(SizePoint.Source.BACKFILL, p.source());
    }
  }

  @Test
  @Order(6)
  void realtimeChanges_becomeStays() {
    String id = store.history().membersAt("students", Instant.parse("2100-01-01T00:00:00Z"), 0, 1).stream().findFirst()
        .orElseGet(() -> store.audiences().run(new AudienceQuery.Page(RuleText.parseRule("age >= 0"), shop.asOf(), 0, 1)).get(0));
    Instant t = Instant.parse("2030-01-01T10:00:00Z");
    store.membership().recordMembershipChanges(List.of(new MembershipChange(id, "rt-only", true, t, "ev-1"),
        new MembershipChange(id, "rt-only", false, t.plusSeconds(60), "time"), new MembershipChange(id, "rt-only", true, t.plusSeconds(120), "ev-2")));
    List<Stay> stays = store.history().stays(id, "rt-only");
    assertEquals(List.of(new Stay("rt-only", id, t, t.plusSeconds(60), "ev-1", "time"), new Stay("rt-only", id, t.plusSeconds(120), null, "ev-2", null)), stays);
    assertEquals(List.of(id), store.history().membersAt("rt-only", t.plusSeconds(30), 0, 10));
    assertEquals(List.of(), store.history().membersAt("rt-only", t.plusSeconds(90), 0, 10));
  }

  @Test
  @Order(9)
  void erase_removesThePersonsHistory() {
    Instant at = History.endOf(last());
    String id = store.history().membersAt("recent-buyers", at, 0, 1).get(0);
    long before = store.history().sizes("recent-buyers", List.of(at)).get(0).size();
    assertFalse(store.history().stays(id, null).isEmpty());
    new Erasures(store.profiles(), store.identities(), List.of()).erase(List.of(id));
    assertEquals(List.of(), store.history().stays(id, null));
    assertEquals(before - 1, store.history().sizes("recent-buyers", List.of(at)).get(0).size());
  }
}
