package io.segmenta.sql;

import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Condition;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.IdentifierField;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Measures;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.Window;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One compilation's walk over rules and measures: each aggregate a rule uses goes into the {@link RulePlan} (read
 * from the kept aggregates when they hold it), and the rule itself becomes a two-valued predicate over the plan's
 * aggregate columns and the profile's traits, its conditions rendered by {@link ConditionSql}.
 */
final class RuleSql {
  /** The event table and type a where filter reads, or null at the profile's level. */
  record Scope(Source source, EventTypeDef event) {}

  final RulePlan plan;
  private final Schema schema;
  private final Dialect dialect;
  private final SegmentResolver segments;
  /** The kept aggregates, or null when there are none. */
  private final Facts facts;
  private final ConditionSql conditions;
  /** The column type of numbers, to which ratios and differences cast their terms. */
  private final String number;
  private final Deque<String> refs = new ArrayDeque<>();
  /** The instant this walk's windows and days-since end at: the plan's, or an earlier one sharing its scans. */
  private final Instant asOf;

  RuleSql(Schema schema, Dialect dialect, SegmentResolver segments, Facts facts, Instant factsThrough, Instant asOf) {
    this(schema, dialect, segments, facts, asOf,
        new RulePlan(asOf, facts != null && factsThrough != null && factsThrough.isBefore(asOf.plusNanos(1000))));
  }

  /**
   * A walk at {@code asOf} adding its aggregates to {@code plan}, which ends at or after it: walks at several instants
   * then share one grouped scan per table, each aggregate bounded by its own window (see {@link SqlCompiler#sizesAt}).
   */
  RuleSql(Schema schema, Dialect dialect, SegmentResolver segments, Facts facts, Instant asOf, RulePlan plan) {
    this.schema = schema;
    this.dialect = dialect;
    this.segments = segments;
    this.facts = facts;
    this.conditions = new ConditionSql(dialect);
    this.number = dialect.sqlType(ValueType.NUMBER);
    this.asOf = asOf;
    this.plan = plan;
  }

  /** A two-valued predicate: whether the SQL expression's value meets the condition. */
  Frag holds(Condition c, String expression, ValueType type) {
    return conditions.condition(c, expression, type, false);
  }

  /**
   * The rule's predicate for the outer query. A top-level conjunct on the aggregates of one table that cannot
   * hold for a profile without events there (as the reference evaluator decides on the aggregate's empty value)
   * makes that table required; every top-level conjunct on a required table's aggregates alone is then applied
   * inside its grouped scan as HAVING: only qualifying customers reach the join, as a hand-written query would.
   */
  Frag topLevel(Rule rule) {
    List<Rule> conjuncts = rule instanceof Rule.And a ? a.rules() : List.of(rule);
    // First the tables some conjunct requires; then every conjunct on one of those tables alone can be
    // decided in its HAVING, since profiles without events there are excluded by the inner join anyway.
    Set<Source> needed = EnumSet.noneOf(Source.class);
    for (Rule c : conjuncts) {
      Source only = c instanceof Rule.MeasureRule m ? soleSource(m.measure()) : null;
      if (only != null && !Evaluator.holds(((Rule.MeasureRule) c).condition(), emptyOf(((Rule.MeasureRule) c).measure()))) {
        needed.add(only);
      }
    }
    List<Frag> outer = new ArrayList<>();
    for (Rule c : conjuncts) {
      Source only = c instanceof Rule.MeasureRule m ? soleSource(m.measure()) : null;
      if (only != null && needed.contains(only)) {
        Frag f = rule(c, null);
        Frag local = new Frag().add(f.sql.toString().replace(only.cte() + ".", ""));
        local.params.addAll(f.params);
        plan.having.computeIfAbsent(only, k -> new ArrayList<>()).add(local);
        plan.required.add(only);
      } else {
        outer.add(rule(c, null));
      }
    }
    if (outer.isEmpty()) {
      return Frag.of("true");
    }
    if (outer.size() == 1 && !(rule instanceof Rule.And)) {
      return outer.get(0);
    }
    Frag f = Frag.of("(");
    for (int i = 0; i < outer.size(); i++) {
      f.add(i > 0 ? " AND " : "").add(outer.get(i));
    }
    return f.add(")");
  }

  /**
   * The one table a measure's aggregates all read, or null when they read two, or when its value needs a lambda
   * (mode), which DuckDB cannot bind inside HAVING.
   */
  private Source soleSource(Measure m) {
    if (m instanceof Measure.Ratio r) {
      Source a = soleSource(r.numerator());
      return a != null && a == soleSource(r.denominator()) ? a : null;
    }
    if (m instanceof Measure.Difference d) {
      Source a = soleSource(d.left());
      return a != null && a == soleSource(d.right()) ? a : null;
    }
    Measure.Aggregate a = (Measure.Aggregate) m;
    if (a.fn() == Measure.Fn.MODE || kept(a) != null) {
      return null;
    }
    return schema.eventType(a.eventType()).map(et -> et.derived() ? Source.LINES : Source.EVENTS).orElse(null);
  }

  /** A measure's value for a profile with no events in its table. */
  private Value emptyOf(Measure m) {
    if (m instanceof Measure.Difference d) {
      Value l = emptyOf(d.left());
      Value r = emptyOf(d.right());
      return l instanceof Value.Num x && r instanceof Value.Num y ? new Value.Num(x.value() - y.value()) : Value.NULL;
    }
    return Evaluator.emptyValue(m);
  }

  void requireFrom(Rule r) {
    if (r instanceof Rule.And a) {
      a.rules().forEach(this::requireFrom);
    } else if (r instanceof Rule.MeasureRule m && !(m.measure() instanceof Measure.Difference)) {
      Measure.Aggregate decisive = m.measure() instanceof Measure.Ratio ratio ? (Measure.Aggregate) ratio.denominator() : (Measure.Aggregate) m.measure();
      Value empty = m.measure() instanceof Measure.Ratio ? Value.NULL : Evaluator.emptyValue(decisive);
      if (!Evaluator.holds(m.condition(), empty)) {
        if (kept(decisive) != null) {
          // A profile without kept values reads as the empty aggregate, which this condition rejects.
          plan.factsRequired = true;
          return;
        }
        boolean derived = schema.eventType(decisive.eventType()).map(EventTypeDef::derived).orElse(false);
        plan.required.add(derived ? Source.LINES : Source.EVENTS);
      }
    }
  }

  /** A two-valued boolean for the rule; {@code event} is the event type of a where filter, or null. */
  Frag rule(Rule r, Scope scope) {
    if (r instanceof Rule.And a) {
      return nary(a.rules(), " AND ", "true", scope);
    } else if (r instanceof Rule.Or o) {
      return nary(o.rules(), " OR ", "true", scope);
    } else if (r instanceof Rule.Nor n) {
      return n.rules().isEmpty() ? Frag.of("false") : Frag.of("(NOT ").add(conditions.within(false, () -> nary(n.rules(), " OR ", "false", scope))).add(")");
    } else if (r instanceof Rule.Not n) {
      return Frag.of("(NOT ").add(conditions.within(false, () -> rule(n.rule(), scope))).add(")");
    } else if (r instanceof Rule.Field f) {
      ValueType type;
      String column;
      if (scope == null && IdentifierField.is(f.path())) {
        return identifier(f.condition(), IdentifierField.kind(f.path()).orElseThrow(() -> RuleException.general("'" + f.path() + "' names no identifier kind")));
      }
      if (scope == null && IdentifierField.kind(f.path(), schema).isPresent()) {
        // A bare kind with no trait of that name (email exists), read as the evaluator reads it under this schema.
        return identifier(f.condition(), f.path());
      }
      if (scope == null) {
        TraitDef t = schema.trait(f.path()).orElseThrow(() -> RuleException.general("unknown trait '" + f.path() + "'"));
        if (!t.stored()) {
          Frag value = measure(ComputedTraits.definition(t.name()).orElseThrow());
          return conditions.condition(f.condition(), value.sql.toString(), t.type(), false, value.params);
        }
        type = t.type();
        column = "p." + dialect.quote(f.path());
      } else {
        type = schema.property(f.path()).orElseThrow(() -> RuleException.general("unknown property '" + f.path() + "'")).type();
        column = scope.source.alias + "." + dialect.quote(f.path());
      }
      return conditions.condition(f.condition(), column, type, false);
    } else if (r instanceof Rule.SegmentRef s) {
      if (refs.contains(s.name())) {
        throw RuleException.general("segment '" + s.name() + "' refers to itself");
      }
      Rule target = segments.find(s.name()).orElseThrow(() -> RuleException.general("there is no saved segment named '" + s.name() + "'"));
      refs.push(s.name());
      try {
        return rule(target, scope);
      } finally {
        refs.pop();
      }
    } else {
      Rule.MeasureRule m = (Rule.MeasureRule) r;
      Frag value = measure(m.measure());
      ValueType type = Measures.type(m.measure(), schema);
      return conditions.condition(m.condition(), value.sql.toString(), type, false, value.params);
    }
  }

  /**
   * {@code identifier.<kind>}: true when some identifier of the kind meets the condition, or when the profile has
   * none and a missing value meets it (as {@code Evaluator} decides). The left join from a one-row table yields
   * each identifier of the kind, or one row of NULL when there is none, so one EXISTS covers both cases.
   */
  private Frag identifier(Condition c, String kind) {
    String alias = "sg_i" + conditions.nextName();
    return Frag.of("EXISTS (SELECT 1 FROM (SELECT 1) " + alias + "_one LEFT JOIN identifiers " + alias + " ON " + alias
            + ".pkey = p.pkey AND " + alias + ".kind = ").param(dialect.param(ValueType.STRING), kind)
        .add(" WHERE ").add(conditions.within(true, () -> conditions.condition(c, alias + ".value", ValueType.STRING, false))).add(")");
  }

  private Frag nary(List<Rule> rules, String op, String empty, Scope scope) {
    if (rules.isEmpty()) {
      return Frag.of(empty);
    }
    Frag f = Frag.of("(");
    for (int i = 0; i < rules.size(); i++) {
      f.add(i > 0 ? op : "").add(rule(rules.get(i), scope));
    }
    return f.add(")");
  }

  /** The SQL value of a measure, referring to aggregate columns of the CTEs. */
  Frag measure(Measure m) {
    if (m instanceof Measure.Ratio r) {
      return Frag.of("(CAST(").add(measure(r.numerator())).add(" AS " + number + ") / NULLIF(CAST(").add(measure(r.denominator())).add(" AS " + number + "), 0))");
    }
    if (m instanceof Measure.Difference d) {
      return Frag.of("(CAST(").add(measure(d.left())).add(" AS " + number + ") - CAST(").add(measure(d.right())).add(" AS " + number + "))");
    }
    Measure.Aggregate a = (Measure.Aggregate) m;
    EventTypeDef et = schema.eventType(a.eventType()).orElseThrow(() -> RuleException.general("unknown event type '" + a.eventType() + "'"));
    Facts.Fact fact = kept(a);
    if (fact != null) {
      plan.factsRead = true;
      return finish(a, "pf." + dialect.quote(fact.column()));
    }
    Source source = et.derived() ? Source.LINES : Source.EVENTS;
    String al = source.alias;
    if (source == Source.EVENTS) {
      plan.types.add(a.eventType());
    }
    Window.Interval in = a.window().resolve(asOf);
    RulePlan.RowFilter filter = new RulePlan.RowFilter(source, source == Source.EVENTS ? a.eventType() : null, in.from(),
        in.until().isBefore(plan.end) ? in.until() : null,
        a.filter() == null ? null : conditions.within(true, () -> rule(a.filter(), new Scope(source, et))));
    plan.noteLowerBound(source, in.from());
    String col = a.property() == null ? null : al + "." + dialect.quote(a.property());
    String fn = switch (a.fn()) {
      case COUNT -> "count(*)";
      case SUM -> "sum(" + col + ")";
      case AVG -> "avg(" + col + ")";
      case MIN -> "min(" + col + ")";
      case MAX -> "max(" + col + ")";
      case COUNT_DISTINCT -> "count(DISTINCT " + col + ")";
      case FIRST_TIME, DAYS_SINCE_FIRST, FIRST_MONTH -> "min(" + al + ".ts)";
      case LAST_TIME, DAYS_SINCE -> "max(" + al + ".ts)";
      case MODE -> dialect.histogram(col);
      // The earliest event that has the value; ties broken by event id, as the evaluator does.
      case FIRST_VALUE -> dialect.firstValue(col, al + ".ts", al + ".event_id");
    };
    if (a.filter() == null) {
      plan.unfiltered.add(source);
    }
    return finish(a, plan.aggregate(source, fn, filter));
  }

  /** The kept aggregate that holds this one's value at this "as of", or null when it must be scanned. */
  private Facts.Fact kept(Measure.Aggregate a) {
    return plan.factsUsable ? facts.find(a).orElse(null) : null;
  }

  /** The measure's value from the SQL value of its aggregate function ({@code ref}). */
  private Frag finish(Measure.Aggregate a, String ref) {
    return switch (a.fn()) {
      case COUNT, SUM, COUNT_DISTINCT -> Frag.of("COALESCE(" + ref + ", 0)");
      case DAYS_SINCE, DAYS_SINCE_FIRST -> {
        Frag f = new Frag();
        f.add(dialect.daysBetween(ref, dialect.param(ValueType.TIMESTAMP))).params.add(ParamValues.timestamp(asOf));
        yield f;
      }
      case MODE -> Frag.of(dialect.mostFrequent(ref));
      case FIRST_MONTH -> Frag.of(dialect.yearMonth(ref));
      default -> Frag.of(ref);
    };
  }
}
