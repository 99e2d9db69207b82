package io.segmenta.core.why;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Why a profile is in or out of a segment at "as of": the verdict, the traced rule, and for a profile that is out
 * the closest miss, the fewest and smallest changes that would bring it in (empty when in, or when no change of the
 * conditions' values could).
 */
public record Trace(String segment, String profileId, Instant asOf, boolean member, Step root, List<Miss> closestMiss) {
  public Trace {
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(profileId, "profileId");
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(root, "root");
    closestMiss = List.copyOf(closestMiss);
  }
}
