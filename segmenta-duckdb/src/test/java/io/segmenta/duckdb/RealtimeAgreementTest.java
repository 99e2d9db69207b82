package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.store.Store;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.realtime.RealtimeSegments;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.testkit.ShopGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-time and batch membership of the same rules agree: the synthetic shop's events are replayed in time order
 * through the real-time engine (timers fired as time passes), and at several instants its members equal what the
 * SQL compiler computes from the store for that as-of. Exits by time are dated when the window passed.
 */
class RealtimeAgreementTest {
  @TempDir
  Path dir;

  static final Map<String, String> RULES = new LinkedHashMap<>();

  static {
    RULES.put("recent-buyers", "count(order in last 30 days) >= 1");
    RULES.put("dk-spenders", "sum(order.revenue in last 90 days) > 200 and country = \"DK\"");
    RULES.put("lapsing-repeaters", "days_since(order) > 60 and count(order) >= 2");
    RULES.put("browsers", "count(page_view in last 7 days) >= 3");
    RULES.put("no-recent-returns", "count(order) >= 1 and not (count(return in last 60 days) >= 1)");
    RULES.put("two-week-weeks", "count(session in last 2 weeks) >= 2 and count(session in last 1 months) <= 6");
  }

  @Test
  void replay_agreesWithBatchAtEveryCheckpoint() {
    ShopGenerator shop = new ShopGenerator(7, ShopGenerator.standard().asOf(), 400);
    List<Profile> profiles = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    shop.generate(0, 300, 300, b -> {
      profiles.addAll(b.profiles());
      events.addAll(b.events());
    });
    events.sort(Comparator.comparing(Event::timestamp).thenComparing(Event::id));
    Instant end = shop.asOf();
    List<Instant> checkpoints = List.of(end.minus(Duration.ofDays(300)), end.minus(Duration.ofDays(120)), end.minus(Duration.ofDays(45)),
        end.minus(Duration.ofHours(30)), end);
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()))) {
      store.profiles().write(new Batch(profiles, events));
      Map<String, Rule> rules = new LinkedHashMap<>();
      RULES.forEach((k, v) -> rules.put(k, RuleText.parseRule(v)));
      RealtimeSegments rt = new RealtimeSegments(SegmentResolver.NONE, id -> Optional.empty(), 10_000);
      rules.forEach((k, r) -> rt.track(k, r, Set.of()));
      Instant start = events.get(0).timestamp().minus(Duration.ofDays(1));
      rt.onEvents(profiles, List.of(), start);
      int next = 0;
      int timeExits = 0;
      for (Instant cp : checkpoints) {
        while (next < events.size() && !events.get(next).timestamp().isAfter(cp)) {
          Event e = events.get(next++);
          timeExits += count(rt.advance(e.timestamp().minusNanos(1000)), false);
          rt.onEvents(List.of(), List.of(e), e.timestamp());
        }
        timeExits += count(rt.advance(cp), false);
        for (Map.Entry<String, Rule> r : rules.entrySet()) {
          Set<String> batch = new HashSet<>(store.audiences().run(new AudienceQuery.Page(r.getValue(), cp, 0, 1_000_000)));
          assertEquals(batch, rt.members(r.getKey()), r.getKey() + " at " + cp);
        }
      }
      assertTrue(timeExits > 50, "members left by time alone, as windows passed: " + timeExits);
    }
  }

  static int count(List<MembershipChange> changes, boolean entered) {
    return (int) changes.stream().filter(c -> c.entered() == entered && c.cause().equals("time")).count();
  }
}
