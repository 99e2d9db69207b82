package io.segmenta.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.value.Value;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregates kept per profile as events arrive must give every computed trait exactly the value the reference
 * evaluator computes from the profile's events, after every kind of write: batches adding to kept values, anonymous
 * events linked later, merges and erasures. The compiler may read them only when they hold every event up to
 * "as of". How an engine keeps them (a table, a Delta file) is its own: its tests of rebuilding them extend this.
 */
public abstract class FactsContract extends StoreContract {
  protected static final Instant AFTER = RandomShop.END.plusSeconds(86_400);
  protected static final Rule EVERYONE = RuleText.parseRule("orders >= 0");

  @TempDir
  protected Path dir;

  /** A store in this test's directory. */
  protected Store open() {
    return open(dir);
  }

  /** The shop written in three batches, so kept values are added to, not only created. */
  protected static void writeInParts(Store store, Batch all) {
    List<Event> events = all.events();
    int third = events.size() / 3;
    write(store, new Batch(all.profiles(), events.subList(0, third)));
    write(store, new Batch(List.of(), events.subList(third, 2 * third)));
    write(store, new Batch(List.of(), events.subList(2 * third, events.size())));
  }

  private static Event order(String id, String profile, String anonymous, String at, double revenue, double discount) {
    Map<String, Value> p = new LinkedHashMap<>();
    p.put("order_id", Value.of(id));
    p.put("revenue", Value.of(revenue));
    p.put("discount", Value.of(discount));
    return new Event(id, profile, anonymous, "order", Instant.parse(at), p,
        List.of(new OrderLine("p1", null, "garden", 1, revenue + discount, discount)));
  }

  private static Event session(String id, String profile, String at) {
    return new Event(id, profile, null, "session", Instant.parse(at), Map.of("traffic_source", Value.of("social")), List.of());
  }

  /** Every computed trait of every profile, through SQL, keyed by profile. */
  private static Map<String, List<Value>> sqlValues(Store store, Instant asOf) {
    List<Measure> measures = new ArrayList<>(ComputedTraits.all().values());
    Map<String, List<Value>> out = new TreeMap<>();
    values(store, EVERYONE, asOf, measures, out::put);
    return out;
  }

  /** The same, from the profiles' events in memory (the reference semantics). */
  private static Map<String, List<Value>> referenceValues(Store store, Instant asOf) {
    Evaluator evaluator = Evaluator.strict(asOf, SegmentResolver.NONE);
    Map<String, List<Value>> out = new TreeMap<>();
    for (String id : profileIds(store)) {
      ProfileHistory h = history(store, id).orElseThrow();
      List<Value> row = new ArrayList<>();
      for (Measure m : ComputedTraits.all().values()) {
        row.add(evaluator.measure(m, h));
      }
      out.put(id, row);
    }
    return out;
  }

  protected static void assertAgree(Store store, Instant asOf) {
    Map<String, List<Value>> expected = referenceValues(store, asOf);
    Map<String, List<Value>> actual = sqlValues(store, asOf);
    assertEquals(expected.keySet(), actual.keySet());
    List<String> names = new ArrayList<>(ComputedTraits.all().keySet());
    for (String id : expected.keySet()) {
      for (int i = 0; i < names.size(); i++) {
        Value e = expected.get(id).get(i);
        Value a = actual.get(id).get(i);
        if (e instanceof Value.Num x && a instanceof Value.Num y) {
          assertEquals(x.value(), y.value(), 1e-9, id + " " + names.get(i));
        } else {
          assertEquals(e, a, id + " " + names.get(i));
        }
      }
    }
  }

  /**
   * That the store's query for {@code rule} at {@code asOf} reads the kept aggregates ({@code profile_facts}) when
   * {@code kept}, and scans the events otherwise. An engine that keeps no aggregates overrides this with what it does
   * instead, and says why.
   */
  protected void assertReadsKeptValues(Store store, Rule rule, Instant asOf, boolean kept) {
    String sql = explain(store, rule, asOf);
    assertEquals(kept, sql.contains("profile_facts"), sql);
  }

  @Nested
  public class Reading {
    @Test
    void values_afterBatchesAddToKeptValues_matchTheEvents() {
      try (Store store = open()) {
        writeInParts(store, new RandomShop(11).data(150));
        write(store, new Batch(List.of(), List.of(session("s1", "r0001", "2025-01-02T10:00:00Z"), session("s2", "r0002", "2024-03-02T10:00:00Z"))));
        write(store, new Batch(List.of(), List.of(session("s3", "r0001", "2024-12-02T10:00:00Z"), session("s4", "r0002", "2025-05-02T10:00:00Z"))));
        assertReadsKeptValues(store, EVERYONE, AFTER, true);
        assertAgree(store, AFTER);
      }
    }

    @Test
    void explain_beforeTheLatestEvent_scansTheEvents() {
      try (Store store = open()) {
        write(store, new RandomShop(12).data(40));
        Instant inside = Instant.parse("2025-03-01T00:00:00Z");
        assertReadsKeptValues(store, EVERYONE, inside, false);
        assertAgree(store, inside);
      }
    }

    @Test
    void explain_eventFromTheFuture_scansUntilItsTime() {
      try (Store store = open()) {
        write(store, new RandomShop(13).data(20));
        write(store, new Batch(List.of(), List.of(order("future", "r0001", null, "2031-01-01T00:00:00Z", 80, 0))));
        assertReadsKeptValues(store, EVERYONE, AFTER, false);
        assertAgree(store, AFTER);
        Instant later = Instant.parse("2031-02-01T00:00:00Z");
        assertReadsKeptValues(store, EVERYONE, later, true);
        assertAgree(store, later);
      }
    }

    @Test
    void members_requiredKeptValues_keepProfilesWithoutRecentEvents() {
      // orders >= 2 needs kept values (an inner join); the windowed conjunct still scans the events: a profile with
      // two old orders and none in the window must not be lost by either.
      try (Store store = open()) {
        write(store, new Batch(List.of(new Profile("old", List.of(), Map.of()), new Profile("new", List.of(), Map.of())),
            List.of(order("o1", "old", null, "2024-01-05T00:00:00Z", 10, 0), order("o2", "old", null, "2024-02-05T00:00:00Z", 10, 0),
                order("o3", "new", null, "2025-06-01T00:00:00Z", 10, 0))));
        Rule rule = RuleText.parseRule("count(order) >= 1 and count(order in last 30 days) = 0");
        assertReadsKeptValues(store, rule, AFTER, true);
        assertEquals(List.of("old"), members(store, rule, AFTER, 0, 10));
      }
    }
  }

  @Nested
  public class Moving {
    @Test
    void values_anonymousOrdersLinkedLater_countForTheProfile() {
      try (Store store = open()) {
        write(store, new RandomShop(14).data(30));
        write(store, new Batch(List.of(), List.of(order("a1", null, "anon-1", "2025-01-10T10:00:00Z", 40, 5),
            order("a2", null, "anon-1", "2023-06-01T10:00:00Z", 25, 0))));
        write(store, new Batch(List.of(new Profile("r0003", List.of(new Identifier("anonymous_id", "anon-1")), Map.of())), List.of()));
        assertAgree(store, AFTER);
        // An order sent later under the anonymous id alone lands on the profile too.
        write(store, new Batch(List.of(), List.of(order("a3", null, "anon-1", "2025-02-10T10:00:00Z", 15, 1))));
        assertAgree(store, AFTER);
      }
    }

    @Test
    void values_afterMergeAndErasure_matchTheEvents() {
      try (Store store = open()) {
        write(store, new RandomShop(15).data(40));
        merge(store, "r0003", "r0002", "test", Instant.parse("2025-07-01T00:00:00Z"));
        erase(store, "r0005");
        assertAgree(store, AFTER);
        assertFalse(profileIds(store).contains("r0002"));
      }
    }
  }
}
