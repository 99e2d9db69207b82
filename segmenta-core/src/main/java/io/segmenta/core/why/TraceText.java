package io.segmenta.core.why;

import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.Window;
import io.segmenta.core.value.Value;
import java.util.List;
import java.util.StringJoiner;

/**
 * A trace as text for people (the CLI prints it): one line per condition, indented as the rule nests, each with a
 * mark ({@code ✔} holds, {@code ✘} fails), the value it read, and {@code ← decided} on the conditions that decided;
 * then the verdict and the closest miss.
 */
public final class TraceText {
  private TraceText() {}

  public static String print(Trace t) {
    StringBuilder sb = new StringBuilder();
    sb.append(t.profileId()).append(t.member() ? " is in " : " is out of ").append(t.segment()).append(" at ").append(t.asOf()).append('\n');
    step(sb, t.root(), 1);
    if (!t.closestMiss().isEmpty()) {
      sb.append("closest miss:\n");
      for (Miss m : t.closestMiss()) {
        sb.append("  ").append(m.sentence()).append('\n');
      }
    } else if (!t.member()) {
      sb.append("no change of these values alone would bring it in\n");
    }
    return sb.toString();
  }

  private static void step(StringBuilder sb, Step s, int depth) {
    sb.append("  ".repeat(depth)).append(s.holds() ? "✔ " : "✘ ");
    if (s instanceof Step.All a) {
      children(sb.append("all of").append(tail(s)), a.steps(), depth);
    } else if (s instanceof Step.Any a) {
      children(sb.append("any of").append(tail(s)), a.steps(), depth);
    } else if (s instanceof Step.NoneOf n) {
      children(sb.append("none of").append(tail(s)), n.steps(), depth);
    } else if (s instanceof Step.Negation n) {
      children(sb.append("not").append(tail(s)), List.of(n.step()), depth);
    } else if (s instanceof Step.SegmentCheck c) {
      children(sb.append("in segment ").append(c.segment()).append(tail(s)), List.of(c.rule()), depth);
    } else if (s instanceof Step.TraitCheck c) {
      sb.append(c.text()).append("   [").append(c.trait()).append(" = ").append(values(c.values()))
          .append(c.definition().isEmpty() ? "" : ", computed as " + c.definition()).append(']').append(tail(s));
    } else {
      Step.AggregateCheck c = (Step.AggregateCheck) s;
      sb.append(c.text()).append("   [").append(c.measure()).append(" = ").append(values(c.value().isNull() ? List.of() : List.of(c.value())))
          .append(c.window().isEmpty() ? "" : ", " + c.window() + (c.from() == null ? "" : " (from " + c.from() + ")")).append(']').append(tail(s));
    }
  }

  private static void children(StringBuilder sb, List<Step> steps, int depth) {
    for (Step c : steps) {
      step(sb, c, depth + 1);
    }
  }

  private static String tail(Step s) {
    return (s.decided() ? "   ← decided" : "") + "\n";
  }

  /** Values as the rule language writes them; "missing" for none. */
  public static String values(List<Value> values) {
    if (values.isEmpty()) {
      return "missing";
    }
    if (values.size() == 1) {
      return RuleText.print(values.get(0));
    }
    StringJoiner j = new StringJoiner(", ", "[", "]");
    values.forEach(v -> j.add(RuleText.print(v)));
    return j.toString();
  }

  /** A window in words: "in the last 90 days", "ever", "from 2025-01-01 to 2025-03-31", "before ...", "after ...". */
  public static String window(Window w) {
    if (w instanceof Window.Last l) {
      return "in the last " + (l.amount() == 1 ? "" : l.amount() + " ") + l.unit().label(l.amount());
    } else if (w instanceof Window.Range r) {
      return "from " + RuleText.print(r.from()) + " to " + RuleText.print(r.to());
    } else if (w instanceof Window.Before b) {
      return "before " + RuleText.print(b.bound());
    } else if (w instanceof Window.After a) {
      return "after " + RuleText.print(a.bound());
    }
    return "ever";
  }
}
