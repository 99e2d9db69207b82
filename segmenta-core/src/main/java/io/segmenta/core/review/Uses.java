package io.segmenta.core.review;

import io.segmenta.core.deletion.SegmentDeletion;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.Trigger;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What acts on a segment, for the review's "never acted on": placements and experiments that refer to it (as deletion
 * finds them), and journeys it triggers or whose goal or exits name it. Other segments that refer to it are not an
 * action. A feature that can act on a segment (audiences, say) adds its own function beside these.
 */
public final class Uses {
  private Uses() {}

  public static Function<String, List<String>> of(SegmentDeletion deletion, Definitions<Journey> journeys) {
    return segment -> {
      List<String> out = new ArrayList<>();
      for (SegmentDeletion.Referrer r : deletion.referrers(segment)) {
        if (!r.kind().equals("segment")) {
          out.add(r.kind() + " " + r.name());
        }
      }
      for (Journey j : journeys.all()) {
        boolean uses = j.trigger() instanceof Trigger.OnSegment t && t.segment().equals(segment);
        List<String> rules = new ArrayList<>(j.exits());
        if (j.goal() != null) {
          rules.add(j.goal());
        }
        for (String text : rules) {
          uses |= refers(RuleText.parseRule(text), segment);
        }
        if (uses) {
          out.add("journey " + j.key());
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

  private static boolean refers(Rule r, String name) {
    if (r instanceof Rule.And a) {
      return a.rules().stream().anyMatch(x -> refers(x, name));
    } else if (r instanceof Rule.Or o) {
      return o.rules().stream().anyMatch(x -> refers(x, name));
    } else if (r instanceof Rule.Nor n) {
      return n.rules().stream().anyMatch(x -> refers(x, name));
    } else if (r instanceof Rule.Not n) {
      return refers(n.rule(), name);
    }
    return r instanceof Rule.SegmentRef s && s.name().equals(name);
  }
}
