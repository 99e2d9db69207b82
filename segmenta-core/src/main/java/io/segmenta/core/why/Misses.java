package io.segmenta.core.why;

import io.segmenta.core.rule.Condition;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Op;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.value.Value;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The closest miss of a profile that is out: the fewest conditions that would have to change for the rule to hold,
 * and among as few, the smallest changes.
 *
 * <p>Why this way. It is the cheapest "repair" of a Boolean formula, computed bottom-up as in a minimum-cost
 * satisfying assignment over an and/or tree (each condition treated as independent): to make an {@code and} hold,
 * every failing condition must change (costs add); to make an {@code or} hold, the cheapest one (the minimum);
 * {@code not} and {@code none of} swap the target. A condition's cost is one change plus its distance in (0, 1]:
 * for a number, the gap to the bound relative to the larger of bound and value ("1 order; needs at least 2" is 0.5
 * off); for an instant, the gap in days over a year; a missing value or any other kind of value is 1. Costs compare
 * by the number of changes first, then by the sum of distances, so one large change beats two small ones. Conditions
 * that read the same trait in two places are treated as independent, so the result is a guide, not a proof.
 */
final class Misses {
  private Misses() {}

  /** The cheapest way to make {@code root} (which fails) hold; empty when no change of values could. */
  static List<Miss> closest(Why.Node root) {
    Plan p = plan(root, true);
    return p.changes == Integer.MAX_VALUE ? List.of() : p.misses;
  }

  /** A set of changes: how many, how far in sum, and which. Infinite when impossible. */
  private record Plan(int changes, double distance, List<Miss> misses) {
    static final Plan NONE = new Plan(0, 0, List.of());
    static final Plan IMPOSSIBLE = new Plan(Integer.MAX_VALUE, Double.POSITIVE_INFINITY, List.of());

    boolean cheaperThan(Plan o) {
      return changes != o.changes ? changes < o.changes : distance < o.distance;
    }

    Plan plus(Plan o) {
      if (changes == Integer.MAX_VALUE || o.changes == Integer.MAX_VALUE) {
        return IMPOSSIBLE;
      }
      List<Miss> all = new ArrayList<>(misses);
      all.addAll(o.misses);
      return new Plan(changes + o.changes, distance + o.distance, all);
    }
  }

  private static Plan plan(Why.Node n, boolean target) {
    if (n.holds() == target) {
      return Plan.NONE;
    }
    if (n.leaf() != null) {
      Miss m = miss(n.leaf(), target);
      return new Plan(1, m.distance(), List.of(m));
    }
    Rule r = n.rule();
    if (n.segment() != null) {
      return plan(n.children().get(0), target);
    }
    if (r instanceof Rule.Not) {
      return plan(n.children().get(0), !target);
    }
    // and→true, or→false, none of→true: every child must reach its target (sum); otherwise one child suffices (min).
    boolean childTarget = r instanceof Rule.Nor ? !target : target;
    boolean every = r instanceof Rule.Or ? !target : target;
    if (every) {
      Plan sum = Plan.NONE;
      for (Why.Node c : n.children()) {
        sum = sum.plus(plan(c, childTarget));
      }
      return sum;
    }
    Plan best = Plan.IMPOSSIBLE;
    for (Why.Node c : n.children()) {
      Plan p = plan(c, childTarget);
      if (p.cheaperThan(best)) {
        best = p;
      }
    }
    return best;
  }

  /** What one condition needs to reach {@code target}, and how far it is. */
  static Miss miss(Why.Leaf leaf, boolean target) {
    Condition c = leaf.measure() != null ? leaf.measure().condition() : leaf.field().condition();
    Value v = leaf.values().isEmpty() ? Value.NULL : leaf.values().get(0);
    String subject = subject(leaf);
    String text = RuleText.print(leaf.measure() != null ? leaf.measure() : leaf.field());
    List<Op> ops = c instanceof Condition.Ops o ? o.ops() : List.of(new Op.Compare(Op.Cmp.EQ, ((Condition.Equals) c).value()));
    if (target) {
      // Every failing operator must pass.
      StringJoiner needs = new StringJoiner(" and ");
      double d = 0;
      for (Op op : ops) {
        if (!Evaluator.holds(Condition.Ops.of(op), v)) {
          needs.add(phrase(op, true));
          d = Math.max(d, distance(op, v, true));
        }
      }
      return new Miss(text, subject, leaf.values(), needs.toString(), d == 0 ? 1 : d);
    }
    // One passing operator must fail: the cheapest.
    Op best = ops.get(0);
    double bestD = Double.POSITIVE_INFINITY;
    for (Op op : ops) {
      double d = distance(op, v, false);
      if (d < bestD) {
        best = op;
        bestD = d;
      }
    }
    return new Miss(text, subject, leaf.values(), phrase(best, false), bestD);
  }

  private static String subject(Why.Leaf leaf) {
    if (leaf.measure() == null) {
      return leaf.field().path();
    }
    Measure m = leaf.measure().measure();
    if (m instanceof Measure.Aggregate a && a.fn() == Measure.Fn.COUNT) {
      String where = a.filter() == null ? "" : " where " + RuleText.print(a.filter());
      return "the count of " + a.eventType() + where + " " + TraceText.window(a.window());
    }
    return RuleText.print(m);
  }

  /** What an operator needs, in words: to pass ({@code pass}) or to fail. */
  static String phrase(Op op, boolean pass) {
    if (op instanceof Op.Compare c) {
      Op.Cmp cmp = pass ? c.cmp() : complement(c.cmp());
      String x = RuleText.print(c.value());
      return switch (cmp) {
        case EQ -> x;
        case NE -> "anything but " + x;
        case GT -> "more than " + x;
        case GTE -> "at least " + x;
        case LT -> "less than " + x;
        case LTE -> "at most " + x;
      };
    }
    if (op instanceof Op.Between b) {
      String lo = RuleText.print(b.low());
      String hi = RuleText.print(b.high());
      return pass ? "between " + lo + " and " + hi : "less than " + lo + " or more than " + hi;
    }
    if (op instanceof Op.Exists e) {
      return e.exists() == pass ? "a value" : "no value";
    }
    if (op instanceof Op.In in) {
      StringJoiner j = new StringJoiner(", ");
      in.values().forEach(x -> j.add(RuleText.print(x)));
      return (in.negated() == pass ? "none of " : "one of ") + j;
    }
    String written = RuleText.print(new Rule.Field("value", Condition.Ops.of(op))).substring("value ".length());
    return pass ? "to be " + written : "not to be " + written;
  }

  private static Op.Cmp complement(Op.Cmp c) {
    return switch (c) {
      case EQ -> Op.Cmp.NE;
      case NE -> Op.Cmp.EQ;
      case GT -> Op.Cmp.LTE;
      case GTE -> Op.Cmp.LT;
      case LT -> Op.Cmp.GTE;
      case LTE -> Op.Cmp.GT;
    };
  }

  /** How far {@code v} is from passing (or failing) an operator, in (0, 1]. */
  static double distance(Op op, Value v, boolean pass) {
    if (v.isNull()) {
      return 1;
    }
    if (op instanceof Op.Compare c) {
      Op.Cmp cmp = pass ? c.cmp() : complement(c.cmp());
      if (cmp == Op.Cmp.NE) {
        return 1;
      }
      return gap(v, c.value());
    }
    if (op instanceof Op.Between b) {
      return Math.min(gap(v, b.low()), gap(v, b.high())); // to pass from outside, or to fail from inside: the nearer bound
    }
    return 1;
  }

  /** The distance between a value and a bound, relative, in (0, 1]; 1 when they cannot be compared. */
  private static double gap(Value v, Value bound) {
    double d;
    if (v instanceof Value.Num x && bound instanceof Value.Num y) {
      double scale = Math.max(1, Math.max(Math.abs(x.value()), Math.abs(y.value())));
      d = Math.abs(x.value() - y.value()) / scale;
    } else if (instant(v) != null && instant(bound) != null) {
      d = Math.abs(Duration.between(instant(v), instant(bound)).toHours()) / (365.0 * 24);
    } else {
      return 1;
    }
    return Math.min(1, Math.max(d, 1e-9));
  }

  private static Instant instant(Value v) {
    if (v instanceof Value.TimeValue t) {
      return t.value();
    }
    if (v instanceof Value.DateValue d) {
      return d.value().atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return null;
  }
}
