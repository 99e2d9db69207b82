package io.segmenta.core.history;

import java.time.Instant;
import java.util.Objects;

/**
 * One stay of a profile in a segment: from {@code entered} (inclusive) to {@code left} (exclusive; null while it
 * lasts), with what caused each end: an event id, {@code time} (a window passed), {@code rule} (the segment's rule
 * changed), or {@code start} (the history of the segment began with the person in it).
 */
public record Stay(String segment, String profileId, Instant entered, Instant left, String enterCause, String exitCause) {
  public Stay {
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(profileId, "profileId");
    Objects.requireNonNull(entered, "entered");
  }

  /** Whether the profile was in the segment at {@code t}. */
  public boolean covers(Instant t) {
    return !t.isBefore(entered) && (left == null || t.isBefore(left));
  }
}
