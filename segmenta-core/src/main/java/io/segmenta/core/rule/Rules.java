package io.segmenta.core.rule;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/** Questions about a rule's structure. */
public final class Rules {
  private Rules() {}

  /** The profile traits a rule reads, through the saved segments it refers to (not inside where filters). */
  public static Set<String> traits(Rule rule, SegmentResolver segments) {
    Set<String> out = new LinkedHashSet<>();
    leaves(rule, segments, r -> {
      if (r instanceof Rule.Field f) {
        out.add(f.path());
      }
    });
    return out;
  }

  /**
   * Calls {@code leaf} with every field condition and measure condition of a rule, through And, Or, Nor, Not and
   * the saved segments it refers to (each once per path; a cycle is not followed).
   */
  public static void leaves(Rule rule, SegmentResolver segments, Consumer<Rule> leaf) {
    walk(rule, segments, leaf, new ArrayDeque<>());
  }

  private static void walk(Rule r, SegmentResolver segments, Consumer<Rule> leaf, Deque<String> seen) {
    if (r instanceof Rule.And a) {
      a.rules().forEach(x -> walk(x, segments, leaf, seen));
    } else if (r instanceof Rule.Or o) {
      o.rules().forEach(x -> walk(x, segments, leaf, seen));
    } else if (r instanceof Rule.Nor n) {
      n.rules().forEach(x -> walk(x, segments, leaf, seen));
    } else if (r instanceof Rule.Not n) {
      walk(n.rule(), segments, leaf, seen);
    } else if (r instanceof Rule.SegmentRef s) {
      if (!seen.contains(s.name())) {
        seen.push(s.name());
        segments.find(s.name()).ifPresent(target -> walk(target, segments, leaf, seen));
        seen.pop();
      }
    } else {
      leaf.accept(r);
    }
  }
}
