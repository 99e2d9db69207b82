package io.segmenta.core.deletion;

import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;

/**
 * Whether a rule refers to a saved segment by name, read from its syntax tree, not its text: a name inside a string
 * value ({@code note = "segment vip"}) or a longer name ({@code segment vip_old}) is not a reference, and a
 * reference inside an aggregate's where filter is one. Only direct references: a segment reached through another
 * saved segment is that segment's reference.
 */
final class SegmentReferences {
  private SegmentReferences() {}

  static boolean in(Rule r, String name) {
    if (r instanceof Rule.And a) {
      return a.rules().stream().anyMatch(x -> in(x, name));
    } else if (r instanceof Rule.Or o) {
      return o.rules().stream().anyMatch(x -> in(x, name));
    } else if (r instanceof Rule.Nor n) {
      return n.rules().stream().anyMatch(x -> in(x, name));
    } else if (r instanceof Rule.Not n) {
      return in(n.rule(), name);
    } else if (r instanceof Rule.SegmentRef s) {
      return s.name().equals(name);
    } else if (r instanceof Rule.MeasureRule m) {
      return in(m.measure(), name);
    }
    return false;
  }

  static boolean in(Measure m, String name) {
    if (m instanceof Measure.Aggregate a) {
      return in(a.filter(), name);
    } else if (m instanceof Measure.Difference d) {
      return in(d.left(), name) || in(d.right(), name);
    } else if (m instanceof Measure.Ratio r) {
      return in(r.numerator(), name) || in(r.denominator(), name);
    }
    return false;
  }
}
