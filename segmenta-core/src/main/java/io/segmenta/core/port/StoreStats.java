package io.segmenta.core.port;

import java.time.Instant;
import java.util.Map;

/** How much a store holds, and the time span of its events (null when it holds none). */
public record StoreStats(long profiles, long events, long orderLines, Map<String, Long> eventsByType,
    Instant firstEvent, Instant lastEvent) {
  public StoreStats {
    eventsByType = Map.copyOf(eventsByType);
  }
}
