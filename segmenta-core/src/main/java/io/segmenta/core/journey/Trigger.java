package io.segmenta.core.journey;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.value.Value;
import java.util.Map;

/** What puts a profile into a journey. Date traits and schedules over a segment are not built yet (issue 16). */
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
}
