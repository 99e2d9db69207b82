package io.segmenta.core.rule;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/** Questions about a rule's structure. */
public final class Rules {
  private Rules() {}

  /** The profile traits a rule reads, through the saved segments it refers to (not inside where filters). */
  public static Set<String> traits(Rule rule, SegmentResolver segments) {
    Set<String> out = new LinkedHashSet<>();
    collect(rule, segments, out, new ArrayDeque<>());
    return out;
  }

  private static void collect(Rule r, SegmentResolver segments, Set<String> out, Deque<String> seen) {
    if (r instanceof Rule.And a) {
      a.rules().forEach(x -> collect(x, segments, out, seen));
    } else if (r instanceof Rule.Or o) {
      o.rules().forEach(x -> collect(x, segments, out, seen));
    } else if (r instanceof Rule.Nor n) {
      n.rules().forEach(x -> collect(x, segments, out, seen));
    } else if (r instanceof Rule.Not n) {
      collect(n.rule(), segments, out, seen);
    } else if (r instanceof Rule.Field f) {
      out.add(f.path());
    } else if (r instanceof Rule.SegmentRef s && !seen.contains(s.name())) {
      seen.push(s.name());
      segments.find(s.name()).ifPresent(target -> collect(target, segments, out, seen));
      seen.pop();
    }
  }
}
