package io.segmenta.core.realtime;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.value.Instants;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real-time timers at the edges of the accepted instants: no overflow, whatever the window. */
class HorizonEdgeTest {
  static ProfileHistory orderAt(Instant t) {
    return new ProfileHistory(new Profile("p", List.of(), Map.of()),
        List.of(new Event("e", "p", null, "order", t, Map.of(), List.of())));
  }

  @Test
  void next_eventAtTheLastAcceptedInstantPlusTheLongestWindow() {
    Instant last = Instants.END.minusNanos(1000);
    var rule = RuleText.parseRule("count(order in last 100000 years) >= 1 and days_since_last_order > 3");
    Instant now = last.plusSeconds(1);
    Instant next = Horizon.next(rule, orderAt(last), now, SegmentResolver.NONE);
    assertNotNull(next);
    assertTrue(next.isAfter(now), next.toString());
    // The feed waits for the timer in milliseconds: that must not overflow either.
    Duration.between(Instant.parse("2025-01-01T00:00:00Z"), next).toMillis();
  }

  @Test
  void next_daysSinceAnEventThreeHundredYearsAgo() {
    Instant now = Instants.END.minusSeconds(1);
    Instant next = Horizon.next(RuleText.parseRule("days_since_last_order > 3"), orderAt(Instants.MIN), now, SegmentResolver.NONE);
    assertNotNull(next, "a days-since value ticks over every day");
    assertTrue(!next.isAfter(now.plus(Duration.ofDays(1))), next.toString());
  }
}
