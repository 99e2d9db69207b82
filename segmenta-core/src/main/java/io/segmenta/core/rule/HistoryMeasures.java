package io.segmenta.core.rule;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.value.Value;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import io.segmenta.core.schema.Schema;

/**
 * The history measures of the reference semantics: one aggregate of a profile's events in a window, in one pass
 * over its history. The SQL compiler computes the same aggregates as {@code FILTER}-ed columns of one grouped scan;
 * {@code DifferentialTest} holds the two to the same values. Counts and sums of no event are 0, the others are
 * missing; a mode ties to the smallest value; {@code first_value} ties on the event id.
 */
final class HistoryMeasures {
  private HistoryMeasures() {}

  /** The aggregate over the events of {@code history} in {@code in} that pass {@code filter} (null: all). */
  static Value aggregate(Measure.Aggregate a, Window.Interval in, ProfileHistory history, Instant asOf, Predicate<Event> filter) {
    long count = 0;
    double sum = 0;
    long numeric = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    Instant first = null;
    Instant last = null;
    Set<Value> distinct = a.fn() == Measure.Fn.COUNT_DISTINCT ? new HashSet<>() : null;
    Map<Value, Integer> counts = a.fn() == Measure.Fn.MODE ? new HashMap<>() : null;
    Event firstWithValue = null;
    boolean derived = Schema.standard().derived(a.eventType());
    for (Event e : derived ? history.eventsOfType(a.eventType()) : history.events()) {
      if ((!derived && !e.type().equals(a.eventType())) || !in.contains(e.timestamp())) {
        continue;
      }
      if (filter != null && !filter.test(e)) {
        continue;
      }
      count++;
      if (first == null || e.timestamp().isBefore(first)) {
        first = e.timestamp();
      }
      if (last == null || e.timestamp().isAfter(last)) {
        last = e.timestamp();
      }
      if (a.property() != null) {
        Value v = e.property(a.property());
        if (distinct != null && !v.isNull()) {
          distinct.add(v instanceof Value.Num n && n.value() == 0 ? new Value.Num(0.0) : v);
        }
        if (counts != null && !v.isNull()) {
          counts.merge(v instanceof Value.Num n && n.value() == 0 ? new Value.Num(0.0) : v, 1, Integer::sum);
        }
        if (!v.isNull() && (firstWithValue == null || e.timestamp().isBefore(firstWithValue.timestamp())
            || (e.timestamp().equals(firstWithValue.timestamp()) && e.id().compareTo(firstWithValue.id()) < 0))) {
          firstWithValue = e;
        }
        if (v instanceof Value.Num n) {
          numeric++;
          sum += n.value();
          min = Math.min(min, n.value());
          max = Math.max(max, n.value());
        }
      }
    }
    switch (a.fn()) {
      case COUNT:
        return new Value.Num(count);
      case SUM:
        return new Value.Num(sum);
      case AVG:
        return numeric == 0 ? Value.NULL : new Value.Num(sum / numeric);
      case MIN:
        return numeric == 0 ? Value.NULL : new Value.Num(min);
      case MAX:
        return numeric == 0 ? Value.NULL : new Value.Num(max);
      case COUNT_DISTINCT:
        return new Value.Num(distinct.size());
      case FIRST_TIME:
        return first == null ? Value.NULL : new Value.TimeValue(first);
      case LAST_TIME:
        return last == null ? Value.NULL : new Value.TimeValue(last);
      case DAYS_SINCE:
        return last == null ? Value.NULL : new Value.Num(daysBetween(last, asOf));
      case DAYS_SINCE_FIRST:
        return first == null ? Value.NULL : new Value.Num(daysBetween(first, asOf));
      case MODE:
        return mode(counts);
      case FIRST_VALUE:
        return firstWithValue == null ? Value.NULL : firstWithValue.property(a.property());
      case FIRST_MONTH:
        return first == null ? Value.NULL : new Value.Str(YearMonth.from(first.atOffset(ZoneOffset.UTC)).toString());
      default:
        throw new AssertionError(a.fn());
    }
  }

  /** The most frequent value; among equally frequent ones, the smallest. */
  private static Value mode(Map<Value, Integer> counts) {
    Value best = Value.NULL;
    int bestCount = 0;
    for (Map.Entry<Value, Integer> e : counts.entrySet()) {
      int c = e.getValue();
      if (c > bestCount || (c == bestCount && Evaluator.compare(e.getKey(), best) < 0)) {
        best = e.getKey();
        bestCount = c;
      }
    }
    return best;
  }

  /** Whole days elapsed from {@code t} to {@code asOf}, rounded down. */
  static long daysBetween(Instant t, Instant asOf) {
    return Math.floorDiv(Duration.between(t, asOf).toNanos() / 1000, 86_400_000_000L);
  }
}
