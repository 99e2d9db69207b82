package io.segmenta.core.journey;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.value.Value;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Map;

/**
 * What puts a profile into a journey: an event, entering or leaving a segment, the yearly return of a date trait
 * (a birthday, a signup anniversary), or a schedule over a segment.
 */
public sealed interface Trigger {

  /**
   * An event of {@code eventType} whose properties equal every value of {@code where} (empty: any such event).
   */
  record OnEvent(String eventType, Map<String, Value> where) implements Trigger {
    public OnEvent {
      checkArgument(eventType != null && !eventType.isBlank(), "trigger event type must not be blank, got '%s'", eventType);
      where = Map.copyOf(where);
    }

    public boolean matches(String type, Map<String, Value> properties) {
      if (!eventType.equals(type)) {
        return false;
      }
      for (Map.Entry<String, Value> w : where.entrySet()) {
        if (!w.getValue().equals(properties.get(w.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }

  /** Entering ({@code entering}) or leaving a segment, as the real-time feed decides it. */
  record OnSegment(String segment, boolean entering) implements Trigger {
    public OnSegment {
      checkArgument(segment != null && !segment.isBlank(), "trigger segment must not be blank, got '%s'", segment);
    }
  }

  /**
   * Every year on the month and day of the date trait {@code trait} (a DATE, or a TIMESTAMP read in the journey's time
   * zone), at {@code at} in the journey's time zone: a birthday, a signup anniversary. Not on the date itself (the
   * year must have turned at least once). A 29 February enters on 28 February in other years.
   */
  record OnDate(String trait, LocalTime at) implements Trigger {
    public OnDate {
      checkArgument(trait != null && !trait.isBlank(), "trigger date trait must not be blank, got '%s'", trait);
      at = at == null ? LocalTime.of(9, 0) : at;
    }
  }

  /**
   * Everyone in {@code segment} enters when the journey first runs, and again every {@code every} after (as the
   * re-entry setting allows).
   */
  record OnSchedule(String segment, Duration every) implements Trigger {
    public OnSchedule {
      checkArgument(segment != null && !segment.isBlank(), "trigger segment must not be blank, got '%s'", segment);
      checkArgument(every != null && every.compareTo(Duration.ofMinutes(1)) >= 0, "trigger 'every' must be at least PT1M, got %s", every);
    }
  }
}
