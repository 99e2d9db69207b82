package io.segmenta.core.history;

import java.time.Instant;

/**
 * A segment's size at an instant and where the number comes from: the recorded history, or a backfill computed
 * from the events before the history began; {@code NONE} (size -1) when neither knows.
 */
public record SizePoint(Instant at, long size, Source source) {
  /** Where a size comes from. */
  public enum Source { HISTORY, BACKFILL, NONE }
}
