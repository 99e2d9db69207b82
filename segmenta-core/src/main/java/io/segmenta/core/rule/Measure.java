package io.segmenta.core.rule;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.Locale;
import java.util.Objects;

/** A number (or instant) computed from a profile's events: an aggregate, or the ratio of two measures. */
public sealed interface Measure {

  enum Fn {
    COUNT(false), SUM(true), AVG(true), MIN(true), MAX(true), COUNT_DISTINCT(true),
    FIRST_TIME(false), LAST_TIME(false), DAYS_SINCE(false), DAYS_SINCE_FIRST(false),
    /** The most frequent value of a property (ties: the smallest value). */
    MODE(true),
    /** The property's value on the earliest event that has it (ties: the smallest event id). */
    FIRST_VALUE(true),
    /** The month of the earliest event, as "yyyy-MM" (UTC): a cohort. */
    FIRST_MONTH(false);

    /** Whether the function reads a property ({@code sum(order.revenue)}) or only counts events. */
    public final boolean needsProperty;

    Fn(boolean needsProperty) {
      this.needsProperty = needsProperty;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Fn parse(String s) {
      for (Fn f : values()) {
        if (f.label().equals(s)) {
          return f;
        }
      }
      return null;
    }

    /** Whether the measure reads as an instant (compared with dates) rather than a number. */
    public boolean isTime() {
      return this == FIRST_TIME || this == LAST_TIME;
    }
  }

  /**
   * {@code fn(eventType[.property] [where filter] [window])}. With no events in the window, count, count_distinct
   * and sum are 0 and the others are missing (so every comparison with them is false).
   */
  record Aggregate(Fn fn, String eventType, String property, Rule filter, Window window) implements Measure {
    public Aggregate {
      Objects.requireNonNull(fn, "fn");
      checkArgument(eventType != null && !eventType.isEmpty(), "event type must not be empty, got '%s'", eventType);
      checkArgument(!fn.needsProperty || property != null, "%s needs a property, as in %s(order.revenue)", fn.label(), fn.label());
      checkArgument(fn.needsProperty || property == null, "%s takes no property, got '%s'", fn.label(), property);
      Objects.requireNonNull(window, "window");
    }
  }

  /** left - right; missing when either side is missing. */
  record Difference(Measure left, Measure right) implements Measure {
    public Difference {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }
  }

  /** numerator / denominator; missing when the denominator is 0 or either side is missing. */
  record Ratio(Measure numerator, Measure denominator) implements Measure {
    public Ratio {
      Objects.requireNonNull(numerator, "numerator");
      Objects.requireNonNull(denominator, "denominator");
    }
  }
}
