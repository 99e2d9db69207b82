package io.segmenta.cli;

import io.segmenta.core.port.StoreStats;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.Rules;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.Window;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Says when a rule's time windows fall where the store has no events, and what to do. Why: a rule evaluated years
 * after an imported file ends ("last 90 days" at now) selects nobody, and an empty answer with no reason looks like a
 * wrong rule. The check compares each window's interval at the as-of instant with the span of stored events: a window
 * that starts after the newest event, or ends before the oldest, can hold nothing.
 */
final class EmptyWindows {
  private EmptyWindows() {}

  /** Notes (without the "note: " prefix) for the windows of {@code rule} at {@code at}; none when all can hold events. */
  static List<String> notes(Rule rule, Instant at, Supplier<StoreStats> span, SegmentResolver segments) {
    List<Window.Interval> windows = new ArrayList<>();
    Rules.leaves(rule, segments, r -> {
      if (r instanceof Rule.MeasureRule m) {
        collect(m.measure(), at, windows);
      }
    });
    if (windows.isEmpty()) {
      return List.of();
    }
    // Read only for a rule with windows: the statistics cost a scan of the events.
    StoreStats stats = span.get();
    if (stats.lastEvent() == null) {
      return List.of();
    }
    List<String> notes = new ArrayList<>();
    long late = windows.stream().filter(i -> i.from() != null && i.from().isAfter(stats.lastEvent())).count();
    if (late > 0) {
      notes.add("the newest event is " + stats.lastEvent() + "; at " + at + " " + which(late, windows.size())
          + " nothing: add --as-of latest (or a date when the data was current)");
    }
    long early = windows.stream().filter(i -> !i.until().isAfter(stats.firstEvent())).count();
    if (early > 0) {
      notes.add("the oldest event is " + stats.firstEvent() + "; at " + at + " " + which(early, windows.size())
          + " nothing: choose a later --as-of, e.g. --as-of latest");
    }
    return notes;
  }

  private static String which(long n, int of) {
    String who = of == 1 ? "the rule's window" : n == of ? "all " + of + " of the rule's windows" : n + " of the rule's " + of + " windows";
    return who + (n == 1 ? " holds" : " hold");
  }

  private static void collect(Measure m, Instant at, List<Window.Interval> out) {
    if (m instanceof Measure.Aggregate a) {
      out.add(a.window().resolve(at));
    } else if (m instanceof Measure.Ratio r) {
      collect(r.numerator(), at, out);
      collect(r.denominator(), at, out);
    } else if (m instanceof Measure.Difference d) {
      collect(d.left(), at, out);
      collect(d.right(), at, out);
    }
  }
}
