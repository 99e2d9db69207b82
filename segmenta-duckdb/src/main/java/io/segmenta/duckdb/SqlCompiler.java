package io.segmenta.duckdb;

import io.segmenta.core.rule.Condition;
import io.segmenta.core.rule.IdentifierField;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Measures;
import io.segmenta.core.rule.Op;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.Versions;
import io.segmenta.core.rule.Window;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.schema.TraitDef;
import java.util.EnumSet;

/**
 * Compiles a type-checked rule into one SQL query over {@code profiles}, with every behavioral aggregate of the
 * rule computed in a single grouped scan per event table ({@code count(*) FILTER (WHERE ...)}), so a rule with
 * ten aggregates still reads the events once.
 *
 * <p>The SQL reproduces the strict semantics of {@link io.segmenta.core.rule.Evaluator}: every condition is
 * two-valued ({@code COALESCE(..., false)}), so {@code NOT} is plain negation and a missing value never matches a
 * comparison. Every value from a rule is a bound parameter; every identifier comes from the schema.
 *
 * <p>Over 500 lines: planning and rendering of the rule language's SQL in one class; issue 13 separates the plan
 * from its rendering and moves both to an engine-neutral module.
 */
final class SqlCompiler {

  /** SQL text and its parameters, in placeholder order. */
  record SqlQuery(String sql, List<Object> params) {}

  /** A piece of SQL with the parameters of its placeholders. */
  private static final class Frag {
    final StringBuilder sql = new StringBuilder();
    final List<Object> params = new ArrayList<>();

    Frag add(String s) {
      sql.append(s);
      return this;
    }

    Frag add(Frag f) {
      sql.append(f.sql);
      params.addAll(f.params);
      return this;
    }

    Frag param(String placeholder, Object value) {
      sql.append(placeholder);
      params.add(value);
      return this;
    }

    static Frag of(String s) {
      return new Frag().add(s);
    }
  }

  /** A table events are read from: the events themselves, or order lines (the derived order_line type). */
  private enum Source {
    EVENTS("events", "e"), LINES("order_lines", "l");

    final String table;
    final String alias;

    Source(String table, String alias) {
      this.table = table;
      this.alias = alias;
    }

    String cte() {
      return "a_" + alias;
    }
  }

  /** Up to this many distinct aggregate row conditions per table are pushed into the scan's WHERE. */
  static final int MAX_PUSHED_FILTERS = 4;

  private final Schema schema;
  private final Dialect dialect;
  private final SegmentResolver segments;
  /** Lifetime aggregates kept per profile, or null to scan the events for every aggregate. */
  private final Facts facts;
  /** The latest event time the kept aggregates hold: they are read for any "as of" at or after it. */
  private final Instant factsThrough;

  SqlCompiler(Schema schema, Dialect dialect, SegmentResolver segments) {
    this(schema, dialect, segments, null, null);
  }

  SqlCompiler(Schema schema, Dialect dialect, SegmentResolver segments, Facts facts, Instant factsThrough) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.segments = Objects.requireNonNull(segments, "segments");
    this.facts = facts;
    this.factsThrough = factsThrough;
  }

  /** {@code SELECT <columns> FROM profiles p ... WHERE <rule> <tail>}; the tail's placeholders take tailParams. */
  SqlQuery select(Rule rule, Instant asOf, String columns, String tail, List<Object> tailParams) {
    return select(rule, asOf, columns, tail, tailParams, 0);
  }

  /** As {@link #select}, over a one-in-{@code modulus} sample of profiles by key (0: everyone). */
  SqlQuery select(Rule rule, Instant asOf, String columns, String tail, List<Object> tailParams, int modulus) {
    Build b = new Build(asOf);
    b.modulus = modulus;
    Frag predicate = b.topLevel(rule);
    b.requireFrom(rule);
    return assemble(b, Frag.of(columns), predicate, tail, tailParams);
  }

  /** {@code SELECT <columns>, <measure 1>, ... FROM profiles p ... WHERE <rule> <tail>}: per-profile values. */
  SqlQuery selectWithMeasures(Rule rule, Instant asOf, String columns, List<Measure> measures, String tail) {
    Build b = new Build(asOf);
    Frag cols = Frag.of(columns);
    for (Measure m : measures) {
      cols.add(", ").add(b.measure(m));
    }
    Frag predicate = b.topLevel(rule);
    b.requireFrom(rule);
    return assemble(b, cols, predicate, tail, List.of());
  }

  /**
   * A query giving, per profile, the list of the segments (by index) it belongs to and the value of each measure
   * and number trait: {@code SELECT p.pkey, [CASE WHEN <rule i> THEN i END, ...] AS _segs, _v0, _v1, ...}. Every
   * rule's aggregates share one grouped scan per event table.
   */
  SqlQuery memberships(List<Rule> rules, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    Build b = new Build(asOf);
    Frag columns = Frag.of("p.pkey, [");
    for (int i = 0; i < rules.size(); i++) {
      columns.add(i > 0 ? ", " : "").add("CASE WHEN ").add(b.rule(rules.get(i), null)).add(" THEN " + i + " END");
    }
    columns.add("] AS _segs");
    int v = 0;
    for (Measure m : measures) {
      columns.add(", CAST(").add(b.measure(m)).add(" AS DOUBLE) AS _v" + v++);
    }
    for (String t : numberTraits) {
      TraitDef def = schema.trait(t).filter(d -> d.stored() && d.type() == ValueType.NUMBER)
          .orElseThrow(() -> RuleException.general("'" + t + "' is not a stored number trait"));
      columns.add(", CAST(p." + Columns.quote(def.name()) + " AS DOUBLE) AS _v" + v++);
    }
    return assemble(b, columns, Frag.of("true"), null, List.of());
  }

  /** Whether an event type's rows live in {@code order_lines} (alias {@code l}) rather than {@code events} ({@code e}). */
  boolean onLines(String eventType) {
    return schema.eventType(eventType).orElseThrow(() -> RuleException.general("unknown event type '" + eventType + "'")).derived();
  }

  /**
   * The predicate selecting one event type's rows that meet a filter on their properties, over alias {@code e}
   * (events) or {@code l} (order lines), as an aggregate's {@code where} reads them.
   */
  SqlQuery eventRows(String eventType, Rule filter) {
    EventTypeDef et = schema.eventType(eventType).orElseThrow(() -> RuleException.general("unknown event type '" + eventType + "'"));
    Source source = et.derived() ? Source.LINES : Source.EVENTS;
    Build b = new Build(Instant.EPOCH);
    Frag f = source == Source.EVENTS ? Frag.of("e.type = ").param("?", eventType) : Frag.of("true");
    if (filter != null) {
      f.add(" AND ").add(b.rule(filter, new Scope(source, et)));
    }
    return new SqlQuery(f.sql.toString(), f.params);
  }

  /** A two-valued predicate: whether the SQL expression's value meets the condition. */
  SqlQuery holds(Condition c, String expression, ValueType type) {
    Frag f = new Build(Instant.EPOCH).condition(c, expression, type, false);
    return new SqlQuery(f.sql.toString(), f.params);
  }

  /** Segments per membership mask column: bits 0..61 of a BIGINT, so a mask is never negative. */
  static final int MASK_BITS = 62;

  /** How many mask columns {@code n} segments need. */
  static int maskColumns(int n) {
    return Math.max(1, (n + MASK_BITS - 1) / MASK_BITS);
  }

  /**
   * As {@link #memberships}, with the segments a profile belongs to as bit masks ({@code _sm0, _sm1, ...}; segment i is
   * bit {@code i % 62} of mask {@code i / 62}) rather than a list: building a list per profile costs more than the
   * scan, while masks are plain integers, and grouping by them leaves one row per combination of segments that
   * occurs, from which per-segment sums and pairwise overlaps follow exactly.
   */
  SqlQuery membershipMasks(List<Rule> rules, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    return membershipMasks("p.pkey", rules, asOf, measures, numberTraits);
  }

  /** {@link #membershipMasks} after the given leading columns (plain SQL over {@code p}, the profiles table). */
  SqlQuery membershipMasks(String leading, List<Rule> rules, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    Build b = new Build(asOf);
    Frag columns = Frag.of(leading);
    for (int m = 0; m < maskColumns(rules.size()); m++) {
      columns.add(", (CAST(0 AS BIGINT)");
      for (int i = m * MASK_BITS; i < Math.min(rules.size(), (m + 1) * MASK_BITS); i++) {
        columns.add(" + CASE WHEN ").add(b.rule(rules.get(i), null)).add(" THEN " + (1L << (i % MASK_BITS)) + " ELSE 0 END");
      }
      columns.add(") AS _sm" + m);
    }
    int v = 0;
    for (Measure x : measures) {
      // Numbers as doubles; a measure of another type (the first order's instant, the favourite category) as it is,
      // since a timestamp or a text has no double to cast to.
      if (Measures.type(x, schema) == ValueType.NUMBER) {
        columns.add(", CAST(").add(b.measure(x)).add(" AS DOUBLE) AS _v" + v++);
      } else {
        columns.add(", ").add(b.measure(x)).add(" AS _v" + v++);
      }
    }
    for (String t : numberTraits) {
      TraitDef def = schema.trait(t).filter(d -> d.stored() && d.type() == ValueType.NUMBER)
          .orElseThrow(() -> RuleException.general("'" + t + "' is not a stored number trait"));
      columns.add(", CAST(p." + Columns.quote(def.name()) + " AS DOUBLE) AS _v" + v++);
    }
    return assemble(b, columns, Frag.of("true"), null, List.of());
  }

  /** {@code SELECT count(*), sum(measure 1), ... FROM profiles p ... WHERE <rule>}. */
  SqlQuery totals(Rule rule, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    Build b = new Build(asOf);
    Frag columns = Frag.of("count(*)");
    List<Frag> values = new ArrayList<>();
    for (Measure m : measures) {
      values.add(b.measure(m));
    }
    for (String t : numberTraits) {
      TraitDef def = schema.trait(t).filter(d -> d.stored() && d.type() == ValueType.NUMBER)
          .orElseThrow(() -> RuleException.general("'" + t + "' is not a stored number trait"));
      values.add(Frag.of("p." + Columns.quote(def.name())));
    }
    for (Frag v : values) {
      // Each use of the value appends its SQL with its own parameters, so placeholders and values stay paired.
      Frag x = Frag.of("CAST(").add(v).add(" AS DOUBLE)");
      columns.add(", count(").add(x).add("), sum(").add(x).add("), sum(").add(x).add(" * ").add(x).add("), min(").add(x).add("), max(").add(x).add(")");
    }
    Frag predicate = b.topLevel(rule);
    b.requireFrom(rule);
    return assemble(b, columns, predicate, null, List.of());
  }

  private SqlQuery assemble(Build b, Frag columns, Frag predicate, String tail, List<Object> tailParams) {
    Frag sql = new Frag();
    List<String> joins = new ArrayList<>();
    boolean first = true;
    for (Source s : Source.values()) {
      Map<String, Agg> aggs = b.aggregates.get(s);
      if (aggs.isEmpty()) {
        continue;
      }
      sql.add(first ? "WITH " : ", ").add(s.cte()).add(" AS (SELECT ").add(s.alias).add(".pkey");
      first = false;
      // When every aggregate has the same row condition and it is pushed, the WHERE applies it once for all of
      // them. When there are more aggregates than distinct conditions, each condition becomes a boolean column of the
      // scan, computed once per row, and the aggregates filter on those columns; otherwise each aggregate keeps
      // its condition in its own FILTER.
      Map<String, RowFilter> conditions = b.rowFilters.get(s);
      Instant lower = b.lowerBound.get(s);
      // Rows that meet no aggregate's condition would only make empty groups: leave them out of the scan. A
      // profile without a group reads as 0 (counts, sums) or missing, exactly as an empty group would. This pays
      // when every aggregate filters on event properties (category = 'kids'); when some only select by type and
      // window, the type list and time bounds already do the work and the OR is a cost per row, as it is with
      // many different conditions.
      boolean pushed = conditions.size() <= MAX_PUSHED_FILTERS && !b.unfiltered.contains(s);
      boolean shared = pushed && conditions.size() == 1;
      boolean conditionColumns = !shared && aggs.size() > conditions.size();
      List<String> keys = new ArrayList<>(conditions.keySet());
      int i = 0;
      for (Agg a : aggs.values()) {
        sql.add(", ").add(a.function());
        if (conditionColumns) {
          sql.add(" FILTER (WHERE " + s.alias + "._f" + keys.indexOf(a.filterKey()) + ")");
        } else if (!shared) {
          sql.add(" FILTER (WHERE ").add(a.filter().render(lower, dialect)).add(")");
        }
        sql.add(" AS _m" + i++);
      }
      sql.add(" FROM ");
      if (conditionColumns) {
        sql.add("(SELECT ").add(s.alias).add(".*");
        for (int k = 0; k < keys.size(); k++) {
          RowFilter rf = conditions.get(keys.get(k));
          // Type and time are never missing: only a condition on event properties needs COALESCE to be two-valued.
          if (rf.property() == null) {
            sql.add(", ").add(rf.render(lower, dialect)).add(" AS _f" + k);
          } else {
            sql.add(", COALESCE(").add(rf.render(lower, dialect)).add(", false) AS _f" + k);
          }
        }
        sql.add(" FROM ");
      }
      sql.add(s.table).add(" ").add(s.alias).add(" WHERE ").add(s.alias).add(".pkey IS NOT NULL AND ");
      if (s == Source.EVENTS) {
        List<String> types = new ArrayList<>(b.types);
        sql.add(s.alias).add(".type IN (");
        for (int t = 0; t < types.size(); t++) {
          sql.add(t > 0 ? ", " : "").param("?", types.get(t));
        }
        sql.add(") AND ");
      } else {
        sql.add(s.alias).add(".event_type = 'order' AND ");
      }
      sql.add(s.alias).add(".ts < ").param(dialect.param("TIMESTAMP"), ts(b.end));
      if (b.modulus > 0) {
        sql.add(" AND " + s.alias + ".pkey % " + b.modulus + " = 0");
      }
      if (lower != null) {
        sql.add(" AND ").add(s.alias).add(".ts >= ").param(dialect.param("TIMESTAMP"), ts(lower));
      }
      if (pushed) {
        sql.add(" AND (");
        int f = 0;
        for (RowFilter rf : conditions.values()) {
          sql.add(f++ > 0 ? " OR " : "").add("(").add(rf.render(lower, dialect)).add(")");
        }
        sql.add(")");
      }
      if (conditionColumns) {
        sql.add(") ").add(s.alias);
      }
      sql.add(" GROUP BY ").add(s.alias).add(".pkey");
      List<Frag> having = b.having.getOrDefault(s, List.of());
      for (int h = 0; h < having.size(); h++) {
        sql.add(h == 0 ? " HAVING " : " AND ").add(having.get(h));
      }
      sql.add(")");
      String join = b.required.contains(s) ? " JOIN " : " LEFT JOIN ";
      joins.add(join + s.cte() + " ON " + s.cte() + ".pkey = p.pkey");
    }
    sql.add(first ? "" : " ").add("SELECT ").add(columns).add(" FROM profiles p");
    joins.forEach(sql::add);
    if (b.factsRead) {
      sql.add(b.factsRequired ? " JOIN " : " LEFT JOIN ").add("profile_facts pf ON pf.pkey = p.pkey");
    }
    sql.add(" WHERE ").add(predicate);
    if (b.modulus > 0) {
      sql.add(" AND p.pkey % " + b.modulus + " = 0");
    }
    if (tail != null && !tail.isEmpty()) {
      sql.add(" ").add(tail);
      sql.params.addAll(tailParams);
    }
    return new SqlQuery(sql.sql.toString(), List.copyOf(sql.params));
  }

  private static LocalDateTime ts(Instant i) {
    return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  /** The state of one compilation: the aggregates found so far, per source, deduplicated by their SQL. */
  private final class Build {
    final Instant asOf;
    final Instant end;
    final Map<Source, Map<String, Agg>> aggregates = new LinkedHashMap<>();
    /** The row conditions of the aggregates, per source: a row that meets none of them changes no aggregate. */
    final Map<Source, Map<String, RowFilter>> rowFilters = new LinkedHashMap<>();
    final Map<Source, Instant> lowerBound = new LinkedHashMap<>();
    final Map<Source, Boolean> unbounded = new LinkedHashMap<>();
    final Set<String> types = new LinkedHashSet<>();
    /** When positive, only profiles whose key is a multiple of it: a sample, applied to every scan. */
    int modulus;
    /** Tables with an aggregate that has no where filter: only event type and window select its rows. */
    final Set<Source> unfiltered = EnumSet.noneOf(Source.class);
    /** Conditions on one table's aggregates alone, applied inside its grouped scan (HAVING). */
    final Map<Source, List<Frag>> having = new LinkedHashMap<>();
    /** Sources every member must have events in: joined with an inner join. */
    final Set<Source> required = EnumSet.noneOf(Source.class);
    final Deque<String> refs = new ArrayDeque<>();
    int lambdas;
    /** Whether the kept aggregates hold every event up to "as of" and none after it. */
    final boolean factsUsable;
    /** Whether some aggregate is read from the kept ones ({@code pf}), and whether members must have them. */
    boolean factsRead;
    boolean factsRequired;

    Build(Instant asOf) {
      this.asOf = asOf;
      this.end = asOf.plusNanos(1000);
      this.factsUsable = facts != null && factsThrough != null && factsThrough.isBefore(end);
      for (Source s : Source.values()) {
        aggregates.put(s, new LinkedHashMap<>());
        rowFilters.put(s, new LinkedHashMap<>());
        unbounded.put(s, false);
      }
    }

    /**
     * Marks the sources a member must have events in: those of top-level conjuncts that cannot hold for a
     * profile with no events there (their condition fails on the aggregate's empty value, decided by the reference
     * evaluator itself). For a ratio, only the denominator's source: without it the ratio is missing.
     */
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
          having.computeIfAbsent(only, k -> new ArrayList<>()).add(local);
          required.add(only);
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
            factsRequired = true;
            return;
          }
          boolean derived = schema.eventType(decisive.eventType()).map(EventTypeDef::derived).orElse(false);
          required.add(derived ? Source.LINES : Source.EVENTS);
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
        return n.rules().isEmpty() ? Frag.of("false") : Frag.of("(NOT ").add(nary(n.rules(), " OR ", "false", scope)).add(")");
      } else if (r instanceof Rule.Not n) {
        return Frag.of("(NOT ").add(rule(n.rule(), scope)).add(")");
      } else if (r instanceof Rule.Field f) {
        ValueType type;
        String column;
        if (scope == null && IdentifierField.is(f.path())) {
          return identifier(f.condition(), IdentifierField.kind(f.path()).orElseThrow(() -> RuleException.general("'" + f.path() + "' names no identifier kind")));
        }
        if (scope == null) {
          TraitDef t = schema.trait(f.path()).orElseThrow(() -> RuleException.general("unknown trait '" + f.path() + "'"));
          if (!t.stored()) {
            Frag value = measure(ComputedTraits.definition(t.name()).orElseThrow());
            return condition(f.condition(), value.sql.toString(), t.type(), false, value.params);
          }
          type = t.type();
          column = "p." + Columns.quote(f.path());
        } else {
          type = schema.property(f.path()).orElseThrow(() -> RuleException.general("unknown property '" + f.path() + "'")).type();
          column = scope.source.alias + "." + Columns.quote(f.path());
        }
        return condition(f.condition(), column, type, false);
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
        return condition(m.condition(), value.sql.toString(), type, false, value.params);
      }
    }

    /**
     * {@code identifier.<kind>}: true when some identifier of the kind meets the condition, or when the profile has
     * none and a missing value meets it (as {@code Evaluator} decides). The left join from a one-row table yields
     * each identifier of the kind, or one row of NULL when there is none, so one EXISTS covers both cases.
     */
    private Frag identifier(Condition c, String kind) {
      String alias = "sg_i" + lambdas++;
      return Frag.of("EXISTS (SELECT 1 FROM (SELECT 1) " + alias + "_one LEFT JOIN identifiers " + alias + " ON " + alias
              + ".pkey = p.pkey AND " + alias + ".kind = ").param(dialect.param("VARCHAR"), kind)
          .add(" WHERE ").add(condition(c, alias + ".value", ValueType.STRING, false)).add(")");
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
        return Frag.of("(CAST(").add(measure(r.numerator())).add(" AS DOUBLE) / NULLIF(CAST(").add(measure(r.denominator())).add(" AS DOUBLE), 0))");
      }
      if (m instanceof Measure.Difference d) {
        return Frag.of("(CAST(").add(measure(d.left())).add(" AS DOUBLE) - CAST(").add(measure(d.right())).add(" AS DOUBLE))");
      }
      Measure.Aggregate a = (Measure.Aggregate) m;
      EventTypeDef et = schema.eventType(a.eventType()).orElseThrow(() -> RuleException.general("unknown event type '" + a.eventType() + "'"));
      Facts.Fact fact = kept(a);
      if (fact != null) {
        factsRead = true;
        return finish(a, "pf." + Columns.quote(fact.column()));
      }
      Source source = et.derived() ? Source.LINES : Source.EVENTS;
      String al = source.alias;
      if (source == Source.EVENTS) {
        types.add(a.eventType());
      }
      Window.Interval in = a.window().resolve(asOf);
      RowFilter filter = new RowFilter(source, source == Source.EVENTS ? a.eventType() : null, in.from(),
          in.until().isBefore(end) ? in.until() : null, a.filter() == null ? null : rule(a.filter(), new Scope(source, et)));
      noteLowerBound(source, in.from());
      String col = a.property() == null ? null : al + "." + Columns.quote(a.property());
      String fn = switch (a.fn()) {
        case COUNT -> "count(*)";
        case SUM -> "sum(" + col + ")";
        case AVG -> "avg(" + col + ")";
        case MIN -> "min(" + col + ")";
        case MAX -> "max(" + col + ")";
        case COUNT_DISTINCT -> "count(DISTINCT " + col + ")";
        case FIRST_TIME, DAYS_SINCE_FIRST, FIRST_MONTH -> "min(" + al + ".ts)";
        case LAST_TIME, DAYS_SINCE -> "max(" + al + ".ts)";
        case MODE -> "histogram(" + col + ")";
        // The earliest event that has the value; ties broken by event id, as the evaluator does.
        case FIRST_VALUE -> "arg_min(" + col + ", CASE WHEN " + col + " IS NOT NULL THEN {'t': " + al + ".ts, 'id': " + al + ".event_id} END)";
      };
      if (a.filter() == null) {
        unfiltered.add(source);
      }
      String filterKey = filter.key();
      rowFilters.get(source).putIfAbsent(filterKey, filter);
      Agg agg = new Agg(fn, filter, filterKey);
      String key = fn + "|" + filterKey;
      Map<String, Agg> aggs = aggregates.get(source);
      if (!aggs.containsKey(key)) {
        aggs.put(key, agg);
      }
      int index = new ArrayList<>(aggs.keySet()).indexOf(key);
      return finish(a, source.cte() + "._m" + index);
    }

    /** The kept aggregate that holds this one's value at this "as of", or null when it must be scanned. */
    private Facts.Fact kept(Measure.Aggregate a) {
      return factsUsable ? facts.find(a).orElse(null) : null;
    }

    /** The measure's value from the SQL value of its aggregate function ({@code ref}). */
    private Frag finish(Measure.Aggregate a, String ref) {
      return switch (a.fn()) {
        case COUNT, SUM, COUNT_DISTINCT -> Frag.of("COALESCE(" + ref + ", 0)");
        case DAYS_SINCE, DAYS_SINCE_FIRST -> {
          Frag f = new Frag();
          f.add(dialect.daysBetween(ref, dialect.param("TIMESTAMP"))).params.add(ts(asOf));
          yield f;
        }
        case MODE -> Frag.of(dialect.mostFrequent(ref));
        case FIRST_MONTH -> Frag.of(dialect.yearMonth(ref));
        default -> Frag.of(ref);
      };
    }

    private void noteLowerBound(Source s, Instant from) {
      if (from == null) {
        unbounded.put(s, true);
        lowerBound.remove(s);
        return;
      }
      if (unbounded.get(s)) {
        return;
      }
      Instant cur = lowerBound.get(s);
      if (cur == null || from.isBefore(cur)) {
        lowerBound.put(s, from);
      }
    }

    private Frag condition(Condition c, String x, ValueType t, boolean insensitive) {
      return condition(c, x, t, insensitive, List.of());
    }

    /** A two-valued boolean: does the SQL value {@code x} (whose own placeholders take xParams) meet c? */
    private Frag condition(Condition c, String x, ValueType t, boolean insensitive, List<Object> xParams) {
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

    private Frag x(String x, List<Object> xParams) {
      Frag f = Frag.of(x);
      f.params.addAll(xParams);
      return f;
    }

    private Frag equalsLiteral(Value v, String x, ValueType t, boolean insensitive, List<Object> xp) {
      if (v.isNull()) {
        return Frag.of("(").add(x(x, xp)).add(" IS NULL)");
      }
      if (insensitive && v instanceof Value.Str s) {
        return Frag.of("COALESCE(lower(").add(x(x, xp)).add(") = lower(").param(dialect.param("VARCHAR"), s.value()).add("), false)");
      }
      return Frag.of("COALESCE(").add(x(x, xp)).add(" = ").add(literal(v, t)).add(", false)");
    }

    private Frag literal(Value v, ValueType t) {
      if (t == ValueType.STRING_LIST) {
        List<String> ph = new ArrayList<>();
        Frag f = new Frag();
        List<Value> items = ((Value.ListValue) v).items();
        for (int i = 0; i < items.size(); i++) {
          ph.add(dialect.param("VARCHAR"));
          f.params.add(((Value.Str) items.get(i)).value());
        }
        f.sql.append(dialect.stringList(ph));
        return f;
      }
      return new Frag().param(dialect.param(Columns.sqlType(t)), Columns.jdbc(v, t));
    }

    private Frag op(Op op, String x, ValueType t, List<Object> xp) {
      if (op instanceof Op.Compare c) {
        String sym = c.cmp() == Op.Cmp.NE ? "<>" : c.cmp().symbol;
        return Frag.of("COALESCE(").add(x(x, xp)).add(" " + sym + " ").add(literal(c.value(), t)).add(", false)");
      } else if (op instanceof Op.VersionCompare v) {
        String sym = v.cmp() == Op.Cmp.NE ? "<>" : v.cmp().symbol;
        return Frag.of("COALESCE(").add(x(dialect.paddedVersion(x), xp)).add(" " + sym + " ").param(dialect.param("VARCHAR"), Versions.padded(v.value())).add(", false)");
      } else if (op instanceof Op.In in) {
        return in(in, x, t, xp);
      } else if (op instanceof Op.Exists e) {
        return Frag.of("(").add(x(x, xp)).add(e.exists() ? " IS NOT NULL)" : " IS NULL)");
      } else if (op instanceof Op.Regex r) {
        Frag f = Frag.of("COALESCE(" + dialect.regexMatches(x, dialect.param("VARCHAR"), r.ignoreCase()) + ", false)");
        f.params.addAll(xp);
        f.params.add(r.pattern());
        return f;
      } else if (op instanceof Op.Type ty) {
        if (ty.typeName().equals("null")) {
          return Frag.of("(").add(x(x, xp)).add(" IS NULL)");
        }
        return typeName(t).equals(ty.typeName()) ? Frag.of("(").add(x(x, xp)).add(" IS NOT NULL)") : Frag.of("false");
      } else if (op instanceof Op.Size s) {
        return guarded(x, xp, condition(s.condition(), dialect.listLength(x), ValueType.NUMBER, false, xp));
      } else if (op instanceof Op.ElemMatchValue e) {
        String var = "_x" + lambdas++;
        Frag inner = condition(e.ops(), var, ValueType.STRING, false);
        return guarded(x, xp, listAny(x, xp, var, inner));
      } else if (op instanceof Op.All a) {
        Frag f = Frag.of("(true");
        for (Condition c : a.conditions()) {
          String var = "_x" + lambdas++;
          Frag inner = condition(c, var, ValueType.STRING, a.ignoreCase());
          f.add(" AND ").add(listAny(x, xp, var, inner));
        }
        return guarded(x, xp, f.add(")"));
      } else if (op instanceof Op.NotOp n) {
        return Frag.of("(NOT ").add(condition(n.condition(), x, t, false, xp)).add(")");
      } else if (op instanceof Op.Between b) {
        return Frag.of("COALESCE(").add(x(x, xp)).add(" BETWEEN ").add(literal(b.low(), t)).add(" AND ").add(literal(b.high(), t)).add(", false)");
      } else if (op instanceof Op.Contains c) {
        Frag p = new Frag().param(dialect.param("VARCHAR"), ((Value.Str) c.value()).value());
        String call = t == ValueType.STRING_LIST ? dialect.listContains(x, p.sql.toString()) : dialect.contains(x, p.sql.toString());
        Frag f = Frag.of("COALESCE(" + call + ", false)");
        f.params.addAll(xp);
        f.params.addAll(p.params);
        return f;
      } else if (op instanceof Op.EndsWith e) {
        Frag p = new Frag().param(dialect.param("VARCHAR"), e.suffix());
        Frag f = Frag.of("COALESCE(" + dialect.endsWith(x, p.sql.toString()) + ", false)");
        f.params.addAll(xp);
        f.params.addAll(p.params);
        return f;
      } else if (op instanceof Op.StartsWith s) {
        Frag p = new Frag().param(dialect.param("VARCHAR"), s.prefix());
        Frag f = Frag.of("COALESCE(" + dialect.startsWith(x, p.sql.toString()) + ", false)");
        f.params.addAll(xp);
        f.params.addAll(p.params);
        return f;
      }
      throw RuleException.general("the operator " + op.key() + " cannot run in SQL; type-check the rule first");
    }

    /** {@code (x IS NOT NULL AND inner)}: composite operators never hold on a missing value. */
    private Frag guarded(String x, List<Object> xp, Frag inner) {
      return Frag.of("(").add(x(x, xp)).add(" IS NOT NULL AND ").add(inner).add(")");
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
        return in.negated() ? Frag.of("(").add(x(x, xp)).add(" IS NOT NULL)") : Frag.of("false");
      }
      Frag values = new Frag();
      List<String> ph = new ArrayList<>();
      for (Value v : in.values()) {
        String p = dialect.param(Columns.sqlType(element));
        ph.add(in.ignoreCase() ? "lower(" + p + ")" : p);
        Object o = Columns.jdbc(v, element);
        values.params.add(o);
      }
      Frag f = new Frag();
      if (list) {
        String subject = in.ignoreCase() ? dialect.listLower(x) : x;
        String call = dialect.listHasAny(subject, dialect.stringList(ph));
        f.add("COALESCE(" + (in.negated() ? "NOT " : "") + call + ", false)");
      } else {
        String subject = in.ignoreCase() ? "lower(" + x + ")" : x;
        f.add("COALESCE(" + subject + (in.negated() ? " NOT IN (" : " IN (") + String.join(", ", ph) + "), false)");
      }
      f.params.addAll(xp);
      f.params.addAll(values.params);
      return f;
    }
  }

  private record Scope(Source source, EventTypeDef event) {}

  /** An aggregate function over the rows that meet its filter. */
  private record Agg(String function, RowFilter filter, String filterKey) {}

  /**
   * The rows an aggregate reads: one event type (null for order lines), a window [from, until) (null: open), and a
   * condition on the rows' properties (null: none).
   */
  private record RowFilter(Source source, String type, Instant from, Instant until, Frag property) {
    String key() {
      return type + "|" + from + "|" + until + "|" + (property == null ? "" : property.sql + "|" + property.params);
    }

    /**
     * The condition as SQL inside a scan whose rows all have {@code ts >= lower} (null: no such bound): a window
     * starting there adds nothing, and leaving it out saves a comparison per row and condition.
     */
    Frag render(Instant lower, Dialect dialect) {
      String al = source.alias;
      Frag f = type != null ? Frag.of(al + ".type = ").param("?", type) : Frag.of("true");
      if (from != null && !from.equals(lower)) {
        f.add(" AND " + al + ".ts >= ").param(dialect.param("TIMESTAMP"), ts(from));
      }
      if (until != null) {
        f.add(" AND " + al + ".ts < ").param(dialect.param("TIMESTAMP"), ts(until));
      }
      if (property != null) {
        f.add(" AND ").add(property);
      }
      return f;
    }
  }

  private static String typeName(ValueType t) {
    return switch (t) {
      case STRING_LIST -> "array";
      default -> t.label().toLowerCase(Locale.ROOT);
    };
  }
}
