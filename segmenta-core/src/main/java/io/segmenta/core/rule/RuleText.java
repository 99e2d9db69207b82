package io.segmenta.core.rule;

import io.segmenta.core.value.Numbers;
import io.segmenta.core.value.Value;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The text form of rules, for people: {@code count(order in last 90 days) >= 2 and country in ["DK", "NO"]}.
 * {@link #print} writes the canonical text of a rule; parsing that text gives back an equal rule, for every rule.
 * The grammar is documented in {@code docs/rule-language.md}.
 */
public final class RuleText {
  private static final Pattern SIMPLE_PATH = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
  private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private RuleText() {}

  /** Parses a rule, or throws a {@link RuleException} naming the line and column. */
  public static ParsedRule parse(String text) {
    if (text == null) {
      throw RuleException.general("the rule is missing");
    }
    return TextParser.parse(text);
  }

  /** Parses a measure alone, such as {@code sum(order.revenue)} or {@code sum(return.value) / sum(order.revenue)}. */
  public static Measure parseMeasure(String text) {
    if (text == null || text.isBlank()) {
      throw RuleException.general("the measure is missing; write one such as sum(order.revenue)");
    }
    return TextParser.parseMeasure(text);
  }

  public static Rule parseRule(String text) {
    return parse(text).rule();
  }

  public static String print(Rule rule) {
    StringBuilder sb = new StringBuilder();
    rule(sb, rule, null);
    return sb.toString();
  }

  public static String print(Measure measure) {
    StringBuilder sb = new StringBuilder();
    measure(sb, measure);
    return sb.toString();
  }

  public static String print(Value value) {
    StringBuilder sb = new StringBuilder();
    value(sb, value);
    return sb.toString();
  }

  private static void rule(StringBuilder sb, Rule r, Class<?> parent) {
    if (r instanceof Rule.And a) {
      nary(sb, a.rules(), "and", "all", parent, Rule.And.class);
    } else if (r instanceof Rule.Or o) {
      nary(sb, o.rules(), "or", "any", parent, Rule.Or.class);
    } else if (r instanceof Rule.Nor n) {
      sb.append("none(");
      list(sb, n.rules());
      sb.append(')');
    } else if (r instanceof Rule.Not n) {
      sb.append("not ");
      rule(sb, n.rule(), Rule.Not.class);
    } else if (r instanceof Rule.Field f) {
      path(sb, f.path());
      sb.append(' ');
      condition(sb, f.condition());
    } else if (r instanceof Rule.SegmentRef s) {
      sb.append("segment ");
      string(sb, s.name());
    } else if (r instanceof Rule.MeasureRule m) {
      measure(sb, m.measure());
      sb.append(' ');
      condition(sb, m.condition());
    }
  }

  private static void nary(StringBuilder sb, List<Rule> rules, String infix, String fn, Class<?> parent, Class<?> self) {
    if (rules.size() < 2) {
      sb.append(fn).append('(');
      list(sb, rules);
      sb.append(')');
      return;
    }
    // Infix chains need parentheses under not, under another chain, and under an aggregate's filter or 'any'.
    boolean parens = parent != null;
    if (parens) {
      sb.append('(');
    }
    for (int i = 0; i < rules.size(); i++) {
      if (i > 0) {
        sb.append(' ').append(infix).append(' ');
      }
      rule(sb, rules.get(i), self);
    }
    if (parens) {
      sb.append(')');
    }
  }

  private static void list(StringBuilder sb, List<Rule> rules) {
    for (int i = 0; i < rules.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      rule(sb, rules.get(i), null);
    }
  }

  private static void path(StringBuilder sb, String path) {
    boolean simple = SIMPLE_PATH.matcher(path).matches();
    if (simple) {
      for (String part : path.split("\\.")) {
        if (TextParser.KEYWORDS.contains(part) || Measure.Fn.parse(part) != null || part.equals("segment")) {
          simple = false;
          break;
        }
      }
    }
    if (simple) {
      sb.append(path);
    } else {
      sb.append('`').append(path.replace("`", "``")).append('`');
    }
  }

  private static void name(StringBuilder sb, String name) {
    if (SIMPLE_NAME.matcher(name).matches()) {
      sb.append(name);
    } else {
      sb.append('`').append(name.replace("`", "``")).append('`');
    }
  }

  static void measure(StringBuilder sb, Measure m) {
    if (m instanceof Measure.Ratio r) {
      measure(sb, r.numerator());
      sb.append(" / ");
      measure(sb, r.denominator());
      return;
    }
    if (m instanceof Measure.Difference d) {
      measure(sb, d.left());
      sb.append(" - ");
      measure(sb, d.right());
      return;
    }
    Measure.Aggregate a = (Measure.Aggregate) m;
    sb.append(a.fn().label()).append('(');
    name(sb, a.eventType());
    if (a.property() != null) {
      sb.append('.');
      name(sb, a.property());
    }
    if (a.filter() != null) {
      sb.append(" where ");
      rule(sb, a.filter(), null);
    }
    window(sb, a.window());
    sb.append(')');
  }

  private static void window(StringBuilder sb, Window w) {
    if (w instanceof Window.Last l) {
      sb.append(" in last ").append(l.amount()).append(' ').append(l.unit().label(l.amount()));
    } else if (w instanceof Window.Range r) {
      sb.append(" from ");
      value(sb, r.from());
      sb.append(" to ");
      value(sb, r.to());
    } else if (w instanceof Window.Before b) {
      sb.append(" before ");
      value(sb, b.bound());
    } else if (w instanceof Window.After a) {
      sb.append(" after ");
      value(sb, a.bound());
    }
  }

  private static void condition(StringBuilder sb, Condition c) {
    if (c instanceof Condition.Equals e) {
      sb.append("is ");
      value(sb, e.value());
      return;
    }
    List<Op> ops = ((Condition.Ops) c).ops();
    if (ops.size() == 1) {
      op(sb, ops.get(0));
    } else {
      group(sb, (Condition.Ops) c);
    }
  }

  private static void group(StringBuilder sb, Condition.Ops ops) {
    sb.append("{ ");
    for (int i = 0; i < ops.ops().size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      op(sb, ops.ops().get(i));
    }
    sb.append(" }");
  }

  private static void op(StringBuilder sb, Op op) {
    if (op instanceof Op.Compare c) {
      sb.append(c.cmp().symbol).append(' ');
      value(sb, c.value());
    } else if (op instanceof Op.VersionCompare v) {
      sb.append("version ").append(v.cmp().symbol).append(' ');
      value(sb, v.value());
    } else if (op instanceof Op.In in) {
      sb.append(in.negated() ? "not in " : "in ").append(in.ignoreCase() ? "ignoring case " : "");
      value(sb, new Value.ListValue(in.values()));
    } else if (op instanceof Op.Exists e) {
      sb.append(e.exists() ? "exists" : "missing");
    } else if (op instanceof Op.Regex r) {
      sb.append("matches ").append(r.ignoreCase() ? "ignoring case " : "");
      string(sb, r.pattern());
    } else if (op instanceof Op.Type t) {
      sb.append("is type ");
      string(sb, t.typeName());
    } else if (op instanceof Op.Size s) {
      sb.append("size ");
      condition(sb, s.condition());
    } else if (op instanceof Op.ElemMatchValue e) {
      sb.append("any ");
      group(sb, e.ops());
    } else if (op instanceof Op.ElemMatchRule e) {
      sb.append("any (");
      rule(sb, e.rule(), null);
      sb.append(')');
    } else if (op instanceof Op.All a) {
      sb.append("all ").append(a.ignoreCase() ? "ignoring case " : "").append('[');
      for (int i = 0; i < a.conditions().size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        Condition c = a.conditions().get(i);
        if (c instanceof Condition.Equals e) {
          value(sb, e.value());
        } else {
          group(sb, (Condition.Ops) c);
        }
      }
      sb.append(']');
    } else if (op instanceof Op.NotOp n) {
      sb.append("not ");
      if (n.condition() instanceof Condition.Ops ops) {
        group(sb, ops);
      } else {
        condition(sb, n.condition());
      }
    } else if (op instanceof Op.InGroup g) {
      sb.append(g.negated() ? "not in group " : "in group ");
      string(sb, g.group());
    } else if (op instanceof Op.Between b) {
      sb.append("between ");
      value(sb, b.low());
      sb.append(" and ");
      value(sb, b.high());
    } else if (op instanceof Op.Contains c) {
      sb.append("contains ");
      value(sb, c.value());
    } else if (op instanceof Op.StartsWith s) {
      sb.append("starts with ");
      string(sb, s.prefix());
    } else if (op instanceof Op.EndsWith e) {
      sb.append("ends with ");
      string(sb, e.suffix());
    } else if (op instanceof Op.Unknown u) {
      sb.append("unknown ");
      string(sb, u.name());
      sb.append(' ');
      value(sb, u.argument());
    }
  }

  static void value(StringBuilder sb, Value v) {
    if (v instanceof Value.Str s) {
      string(sb, s.value());
    } else if (v instanceof Value.Num n) {
      sb.append(Numbers.format(n.value()));
    } else if (v instanceof Value.ListValue l) {
      sb.append('[');
      for (int i = 0; i < l.items().size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        value(sb, l.items().get(i));
      }
      sb.append(']');
    } else if (v instanceof Value.ObjectValue o) {
      sb.append('{');
      int i = 0;
      for (Map.Entry<String, Value> e : o.fields().entrySet()) {
        if (i++ > 0) {
          sb.append(", ");
        }
        string(sb, e.getKey());
        sb.append(": ");
        value(sb, e.getValue());
      }
      sb.append('}');
    } else {
      sb.append(v);
    }
  }

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || (c >= 0xD800 && c <= 0xDFFF && !validSurrogate(s, i))) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static boolean validSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
