package io.segmenta.core.review;

import io.segmenta.core.deletion.SegmentDeletion;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What acts on a segment, for the review's "never acted on": whatever deletion finds referring to it (placements,
 * experiments, journeys, destinations, campaigns) but other segments, which are not an action.
 */
public final class Uses {
  private Uses() {}

  /** Every referrer deletion knows of but other segments: placements, experiments, journeys, destinations, campaigns. */
  public static Function<String, List<String>> of(SegmentDeletion deletion) {
    return segment -> {
      List<String> out = new ArrayList<>();
      for (SegmentDeletion.Referrer r : deletion.referrers(segment)) {
        if (!r.kind().equals("segment")) {
          out.add(r.kind() + " " + r.name());
        }
      }
      return out;
    };
  }

  /** Combines several features' uses. */
  @SafeVarargs
  public static Function<String, List<String>> all(Function<String, List<String>>... each) {
    return segment -> {
      List<String> out = new ArrayList<>();
      for (Function<String, List<String>> f : each) {
        out.addAll(f.apply(segment));
      }
      return out;
    };
  }
}
