package io.segmenta.core.rule;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.value.Value;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * Which events an aggregate reads, relative to the "as of" instant. Every window also ends at "as of": events
 * after it do not exist for the rule, so a result is reproducible. A window resolves to a half-open interval
 * {@code [from, until)} in UTC; a date bound means a whole day.
 */
public sealed interface Window {

  enum Unit {
    DAYS, WEEKS, MONTHS, YEARS;

    public String label(long amount) {
      String s = name().toLowerCase(Locale.ROOT);
      return amount == 1 ? s.substring(0, s.length() - 1) : s;
    }

    public static Unit parse(String s) {
      String u = s.toLowerCase(Locale.ROOT);
      for (Unit unit : values()) {
        String plural = unit.name().toLowerCase(Locale.ROOT);
        if (u.equals(plural) || u.equals(plural.substring(0, plural.length() - 1))) {
          return unit;
        }
      }
      return null;
    }
  }

  /** Every event up to "as of". */
  record AllTime() implements Window {}

  /** The last {@code amount} units before "as of" (calendar months and years, in UTC). */
  record Last(long amount, Unit unit) implements Window {
    public Last {
      checkArgument(amount > 0 && amount <= 100_000, "window length must be between 1 and 100000, got %s", amount);
      Objects.requireNonNull(unit, "unit");
    }
  }

  /** From a date or instant (inclusive) to a date (inclusive: the whole day) or an instant (exclusive). */
  record Range(Value from, Value to) implements Window {
    public Range {
      checkBound(from);
      checkBound(to);
    }
  }

  /** Strictly before a date (its first instant) or an instant. */
  record Before(Value bound) implements Window {
    public Before {
      checkBound(bound);
    }
  }

  /** After a date (from the next day on) or from an instant on. */
  record After(Value bound) implements Window {
    public After {
      checkBound(bound);
    }
  }

  AllTime ALL_TIME = new AllTime();

  /** The interval this window covers at {@code asOf}: null bounds are open. */
  default Interval resolve(Instant asOf) {
    Instant end = asOf.plus(1, ChronoUnit.MICROS);
    Interval i;
    if (this instanceof Last l) {
      i = new Interval(minus(asOf, l.amount(), l.unit()), end);
    } else if (this instanceof Range r) {
      i = new Interval(start(r.from()), afterEnd(r.to()));
    } else if (this instanceof Before b) {
      i = new Interval(null, start(b.bound()));
    } else if (this instanceof After a) {
      i = new Interval(afterEnd(a.bound()), end);
    } else {
      i = new Interval(null, end);
    }
    if (i.until() == null || i.until().isAfter(end)) {
      return new Interval(i.from(), end);
    }
    return i;
  }

  /** {@code from <= t < until}; a null {@code from} is open. */
  record Interval(Instant from, Instant until) {
    public boolean contains(Instant t) {
      return (from == null || !t.isBefore(from)) && t.isBefore(until);
    }
  }

  private static Instant minus(Instant asOf, long amount, Unit unit) {
    var t = asOf.atOffset(ZoneOffset.UTC);
    var r = switch (unit) {
      case DAYS -> t.minusDays(amount);
      case WEEKS -> t.minusWeeks(amount);
      case MONTHS -> t.minusMonths(amount);
      case YEARS -> t.minusYears(amount);
    };
    return r.toInstant();
  }

  private static Instant start(Value v) {
    if (v instanceof Value.DateValue d) {
      return d.value().atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return ((Value.TimeValue) v).value();
  }

  private static Instant afterEnd(Value v) {
    if (v instanceof Value.DateValue d) {
      return d.value().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return ((Value.TimeValue) v).value();
  }

  private static void checkBound(Value v) {
    checkArgument(v instanceof Value.DateValue || v instanceof Value.TimeValue, "window bound must be a date or timestamp, got %s", v);
  }

  static LocalDate dateOf(Instant t) {
    return t.atOffset(ZoneOffset.UTC).toLocalDate();
  }
}
