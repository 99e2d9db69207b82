package io.segmenta.sql;

import io.segmenta.core.rule.Condition;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Op;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.Versions;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Renders a condition on one value (a column, an aggregate, a list element) as a two-valued SQL boolean through
 * the dialect: a missing value never meets a comparison (false, or NULL where the context reads NULL as false: see
 * {@link #within}), composite operators never hold on a missing list, and every literal is a bound parameter, as
 * {@link Evaluator}'s strict semantics decide.
 */
final class ConditionSql {
  private final Dialect dialect;
  /** Names of lambda variables and subquery aliases, numbered so nested ones never clash. */
  private int names;
  /**
   * Whether the condition being written only decides which rows or elements pass (a WHERE, HAVING, FILTER, CASE
   * WHEN or a list filter's predicate, joined by AND and OR), where a missing result already counts as false; false
   * under a NOT, where it must be false explicitly.
   */
  private boolean filtering = true;

  ConditionSql(Dialect dialect) {
    this.dialect = dialect;
  }

  /** A fresh number for a variable or alias name. */
  int nextName() {
    return names++;
  }

  /**
   * Writes what {@code body} writes in a filtering context ({@code true}) or under a negation ({@code false}).
   *
   * <p>Why: a comparison with a missing value is NULL in SQL, and the strict semantics want false. Under NOT the
   * difference matters ({@code NOT NULL} is NULL, {@code NOT false} is true), so there every comparison is wrapped in
   * {@code COALESCE(..., false)}. Where the result only filters, through AND and OR, NULL and false both drop the
   * row (three-valued logic: AND and OR give TRUE exactly when their coalesced forms do), and the bare comparison
   * is what an engine can push into its scan as a table filter and check against zone maps; DuckDB evaluates a
   * COALESCE as a general expression, row by row.
   */
  <T> T within(boolean filtering, Supplier<T> body) {
    boolean outer = this.filtering;
    this.filtering = filtering;
    try {
      return body.get();
    } finally {
      this.filtering = outer;
    }
  }

  /** {@code inner} where a missing value must read as false. */
  private Frag twoValued(Frag inner) {
    return filtering ? Frag.of("(").add(inner).add(")") : Frag.of("COALESCE(").add(inner).add(", false)");
  }

  Frag condition(Condition c, String x, ValueType t, boolean insensitive) {
    return condition(c, x, t, insensitive, List.of());
  }

  /** A two-valued boolean: does the SQL value {@code x} (whose own placeholders take xParams) meet c? */
  Frag condition(Condition c, String x, ValueType t, boolean insensitive, List<Object> xParams) {
    if (c instanceof Condition.Equals e) {
      return equalsLiteral(e.value(), x, t, insensitive, xParams);
    }
    List<Op> ops = ((Condition.Ops) c).ops();
    if (ops.size() == 1) {
      return op(ops.get(0), x, t, xParams);
    }
    Frag f = Frag.of("(");
    for (int i = 0; i < ops.size(); i++) {
      f.add(i > 0 ? " AND " : "").add(op(ops.get(i), x, t, xParams));
    }
    return f.add(")");
  }

  private Frag equalsLiteral(Value v, String x, ValueType t, boolean insensitive, List<Object> xp) {
    if (v.isNull()) {
      return Frag.of("(").add(Frag.of(x, xp)).add(" IS NULL)");
    }
    if (insensitive && v instanceof Value.Str s) {
      return twoValued(Frag.of("lower(").add(Frag.of(x, xp)).add(") = lower(").param(dialect.param(ValueType.STRING), s.value()).add(")"));
    }
    return twoValued(Frag.of(x, xp).add(" = ").add(literal(v, t)));
  }

  private Frag literal(Value v, ValueType t) {
    if (t == ValueType.STRING_LIST) {
      List<String> ph = new ArrayList<>();
      Frag f = new Frag();
      List<Value> items = ((Value.ListValue) v).items();
      for (int i = 0; i < items.size(); i++) {
        ph.add(dialect.param(ValueType.STRING));
        f.params.add(((Value.Str) items.get(i)).value());
      }
      f.sql.append(dialect.stringList(ph));
      return f;
    }
    return new Frag().param(dialect.param(t), ParamValues.of(v, t));
  }

  private Frag op(Op op, String x, ValueType t, List<Object> xp) {
    if (op instanceof Op.Compare c) {
      String sym = c.cmp() == Op.Cmp.NE ? "<>" : c.cmp().symbol;
      return twoValued(Frag.of(x, xp).add(" " + sym + " ").add(literal(c.value(), t)));
    } else if (op instanceof Op.VersionCompare v) {
      String sym = v.cmp() == Op.Cmp.NE ? "<>" : v.cmp().symbol;
      return twoValued(Frag.of(dialect.paddedVersion(x), xp).add(" " + sym + " ").param(dialect.param(ValueType.STRING), Versions.padded(v.value())));
    } else if (op instanceof Op.In in) {
      return in(in, x, t, xp);
    } else if (op instanceof Op.Exists e) {
      return Frag.of("(").add(Frag.of(x, xp)).add(e.exists() ? " IS NOT NULL)" : " IS NULL)");
    } else if (op instanceof Op.Regex r) {
      Frag f = Frag.of(dialect.regexMatches(x, dialect.param(ValueType.STRING), r.ignoreCase()));
      f.params.addAll(xp);
      f.params.add(r.pattern());
      return twoValued(f);
    } else if (op instanceof Op.Type ty) {
      if (ty.typeName().equals("null")) {
        return Frag.of("(").add(Frag.of(x, xp)).add(" IS NULL)");
      }
      return typeName(t).equals(ty.typeName()) ? Frag.of("(").add(Frag.of(x, xp)).add(" IS NOT NULL)") : Frag.of("false");
    } else if (op instanceof Op.Size s) {
      return guarded(x, xp, condition(s.condition(), dialect.listLength(x), ValueType.NUMBER, false, xp));
    } else if (op instanceof Op.ElemMatchValue e) {
      String var = "_x" + names++;
      Frag inner = condition(e.ops(), var, ValueType.STRING, false);
      return guarded(x, xp, listAny(x, xp, var, inner));
    } else if (op instanceof Op.All a) {
      Frag f = Frag.of("(true");
      for (Condition c : a.conditions()) {
        String var = "_x" + names++;
        Frag inner = condition(c, var, ValueType.STRING, a.ignoreCase());
        f.add(" AND ").add(listAny(x, xp, var, inner));
      }
      return guarded(x, xp, f.add(")"));
    } else if (op instanceof Op.NotOp n) {
      return Frag.of("(NOT ").add(within(false, () -> condition(n.condition(), x, t, false, xp))).add(")");
    } else if (op instanceof Op.Between b) {
      return twoValued(Frag.of(x, xp).add(" BETWEEN ").add(literal(b.low(), t)).add(" AND ").add(literal(b.high(), t)));
    } else if (op instanceof Op.Contains c) {
      Frag p = new Frag().param(dialect.param(ValueType.STRING), ((Value.Str) c.value()).value());
      String call = t == ValueType.STRING_LIST ? dialect.listContains(x, p.sql.toString()) : dialect.contains(x, p.sql.toString());
      Frag f = Frag.of(call);
      f.params.addAll(xp);
      f.params.addAll(p.params);
      return twoValued(f);
    } else if (op instanceof Op.EndsWith e) {
      Frag p = new Frag().param(dialect.param(ValueType.STRING), e.suffix());
      Frag f = Frag.of(dialect.endsWith(x, p.sql.toString()));
      f.params.addAll(xp);
      f.params.addAll(p.params);
      return twoValued(f);
    } else if (op instanceof Op.StartsWith s) {
      Frag p = new Frag().param(dialect.param(ValueType.STRING), s.prefix());
      Frag f = Frag.of(dialect.startsWith(x, p.sql.toString()));
      f.params.addAll(xp);
      f.params.addAll(p.params);
      return twoValued(f);
    }
    throw RuleException.general("the operator " + op.key() + " cannot run in SQL; type-check the rule first");
  }

  /** {@code (x IS NOT NULL AND inner)}: composite operators never hold on a missing value. */
  private Frag guarded(String x, List<Object> xp, Frag inner) {
    return Frag.of("(").add(Frag.of(x, xp)).add(" IS NOT NULL AND ").add(inner).add(")");
  }

  private Frag listAny(String list, List<Object> xp, String var, Frag predicate) {
    Frag pred = Frag.of("(" + var + " IS NOT NULL AND ").add(predicate).add(")");
    String sql = dialect.listAny(list, var, pred.sql.toString());
    Frag f = Frag.of(sql);
    f.params.addAll(xp);
    f.params.addAll(pred.params);
    return f;
  }

  private Frag in(Op.In in, String x, ValueType t, List<Object> xp) {
    boolean list = t == ValueType.STRING_LIST;
    ValueType element = list ? ValueType.STRING : t;
    if (in.values().isEmpty()) {
      return in.negated() ? Frag.of("(").add(Frag.of(x, xp)).add(" IS NOT NULL)") : Frag.of("false");
    }
    Frag values = new Frag();
    List<String> ph = new ArrayList<>();
    for (Value v : in.values()) {
      String p = dialect.param(element);
      ph.add(in.ignoreCase() ? "lower(" + p + ")" : p);
      Object o = ParamValues.of(v, element);
      values.params.add(o);
    }
    Frag f = new Frag();
    if (list) {
      String subject = in.ignoreCase() ? dialect.listLower(x) : x;
      String call = dialect.listHasAny(subject, dialect.stringList(ph));
      f.add((in.negated() ? "NOT " : "") + call);
    } else {
      String subject = in.ignoreCase() ? "lower(" + x + ")" : x;
      f.add(subject + (in.negated() ? " NOT IN (" : " IN (") + String.join(", ", ph) + ")");
    }
    f.params.addAll(xp);
    f.params.addAll(values.params);
    return twoValued(f);
  }

  private static String typeName(ValueType t) {
    return switch (t) {
      case STRING_LIST -> "array";
      default -> t.label().toLowerCase(Locale.ROOT);
    };
  }
}
