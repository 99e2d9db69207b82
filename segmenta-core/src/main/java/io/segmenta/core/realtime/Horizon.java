package io.segmenta.core.realtime;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.Window;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import io.segmenta.core.rule.Rules;

/**
 * When a rule's value for a profile can next change with no new event: the earliest instant after {@code now} at
 * which an event leaves a sliding window ({@code in last 30 days}: 30 days after it happened), a fixed window bound
 * is crossed, a future-dated event becomes visible, or a {@code days_since} value ticks over to its next whole
 * day. Re-evaluating exactly then is what lets a real-time segment drop a member at the moment "ordered in the
 * last 30 days" stops being true, instead of at the next daily sweep. The instant may be early (a changed
 * aggregate need not change the rule's outcome); it is never late.
 */
public final class Horizon {
  private static final Duration MICRO = Duration.ofNanos(1000);

  private Horizon() {}

  /** The next instant after {@code now} worth re-evaluating at, or null when time alone changes nothing. */
  public static Instant next(Rule rule, ProfileHistory h, Instant now, SegmentResolver segments) {
    Instant[] best = {null};
    walk(rule, segments, m -> aggregate(m, h, now, best));
    return best[0];
  }

  private interface Sink {
    void accept(Measure.Aggregate a);
  }

  private static void walk(Rule r, SegmentResolver segments, Sink sink) {
    Rules.leaves(r, segments, leaf -> {
      if (leaf instanceof Rule.MeasureRule m) {
        measure(m.measure(), sink);
      } else if (leaf instanceof Rule.Field f) {
        ComputedTraits.definition(f.path()).ifPresent(m -> measure(m, sink));
      }
    });
  }

  private static void measure(Measure m, Sink sink) {
    if (m instanceof Measure.Ratio r) {
      measure(r.numerator(), sink);
      measure(r.denominator(), sink);
    } else if (m instanceof Measure.Difference d) {
      measure(d.left(), sink);
      measure(d.right(), sink);
    } else {
      sink.accept((Measure.Aggregate) m);
    }
  }

  private static void aggregate(Measure.Aggregate a, ProfileHistory h, Instant now, Instant[] best) {
    List<Event> events = h.eventsOfType(a.eventType());
    Window w = a.window();
    if (w instanceof Window.Range || w instanceof Window.Before || w instanceof Window.After) {
      Window.Interval in = w.resolve(Instant.MAX.minus(Duration.ofDays(400_000_000L)));
      offer(in.from(), now, best);
      offer(in.until(), now, best);
    }
    boolean daysSince = a.fn() == Measure.Fn.DAYS_SINCE || a.fn() == Measure.Fn.DAYS_SINCE_FIRST;
    for (Event e : events) {
      Instant t = e.timestamp();
      if (t.isAfter(now)) {
        offer(t, now, best);
        continue;
      }
      if (w instanceof Window.Last l) {
        offer(leaves(t, l, now), now, best);
      }
      if (daysSince) {
        // Whole seconds, not nanoseconds: a nanosecond count overflows a long beyond 292 years (t <= now here, so
        // flooring the seconds floors the days).
        long days = Math.floorDiv(Duration.between(t, now).getSeconds(), 86_400L);
        offer(t.plus(Duration.ofDays(days + 1)), now, best);
      }
    }
  }

  /** The first instant at which an event at {@code t} is no longer in the last-N window. */
  static Instant leaves(Instant t, Window.Last l, Instant now) {
    var base = t.atOffset(ZoneOffset.UTC);
    Instant plus = switch (l.unit()) {
      case DAYS -> base.plusDays(l.amount()).toInstant();
      case WEEKS -> base.plusWeeks(l.amount()).toInstant();
      case MONTHS -> base.plusMonths(l.amount()).toInstant();
      case YEARS -> base.plusYears(l.amount()).toInstant();
    };
    Instant guess = plus.plus(MICRO);
    // Calendar months are uneven; step until the window, resolved the evaluator's way, no longer holds t.
    for (int i = 0; i < 5 && !l.resolve(guess).from().isAfter(t); i++) {
      guess = guess.plus(Duration.ofDays(1));
    }
    return guess;
  }

  private static void offer(Instant t, Instant now, Instant[] best) {
    if (t != null && t.isAfter(now) && (best[0] == null || t.isBefore(best[0]))) {
      best[0] = t;
    }
  }
}
