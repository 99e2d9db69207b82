package io.segmenta.sql;

import io.segmenta.core.rule.Condition;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Measures;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compiles a type-checked rule into one SQL query over {@code profiles}, with every behavioral aggregate of the
 * rule computed in a single grouped scan per event table ({@code count(*) FILTER (WHERE ...)}), so a rule with
 * ten aggregates still reads the events once.
 *
 * <p>The SQL reproduces the strict semantics of {@link io.segmenta.core.rule.Evaluator}: every condition is
 * two-valued ({@code COALESCE(..., false)}), so {@code NOT} is plain negation and a missing value never matches a
 * comparison. Every value from a rule is a bound parameter; every identifier comes from the schema; everything a
 * particular engine writes its own way goes through the {@link Dialect}.
 *
 * <p>A compilation is a walk ({@link RuleSql}) that fills a plan of the aggregates and row conditions the rules
 * need ({@link RulePlan}) and writes the predicates ({@link ConditionSql}); the plan is then rendered as grouped
 * scans joined to the profiles ({@link ScanSql}).
 */
public final class SqlCompiler {

  /** SQL text and its parameters, in placeholder order (as {@link ParamValues} makes them). */
  public record SqlQuery(String sql, List<Object> params) {}

  /** Segments per membership mask column: bits 0..61 of a BIGINT, so a mask is never negative. */
  public static final int MASK_BITS = 62;

  private final Schema schema;
  private final Dialect dialect;
  private final SegmentResolver segments;
  /** Lifetime aggregates kept per profile, or null to scan the events for every aggregate. */
  private final Facts facts;
  /** The latest event time the kept aggregates hold: they are read for any "as of" at or after it. */
  private final Instant factsThrough;
  private final ScanSql scans;

  public SqlCompiler(Schema schema, Dialect dialect, SegmentResolver segments) {
    this(schema, dialect, segments, null, null);
  }

  public SqlCompiler(Schema schema, Dialect dialect, SegmentResolver segments, Facts facts, Instant factsThrough) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.segments = Objects.requireNonNull(segments, "segments");
    this.facts = facts;
    this.factsThrough = factsThrough;
    this.scans = new ScanSql(dialect);
  }

  /** The dialect the SQL is written in. */
  public Dialect dialect() {
    return dialect;
  }

  RuleSql walk(Instant asOf) {
    return new RuleSql(schema, dialect, segments, facts, factsThrough, asOf);
  }

  /** {@code SELECT <columns> FROM profiles p ... WHERE <rule> <tail>}; the tail's placeholders take tailParams. */
  public SqlQuery select(Rule rule, Instant asOf, String columns, String tail, List<Object> tailParams) {
    return select(rule, asOf, columns, tail, tailParams, 0);
  }

  /** As {@link #select}, over a one-in-{@code modulus} sample of profiles by key (0: everyone). */
  public SqlQuery select(Rule rule, Instant asOf, String columns, String tail, List<Object> tailParams, int modulus) {
    RuleSql b = walk(asOf);
    b.plan.modulus = modulus;
    Frag predicate = b.topLevel(rule);
    b.requireFrom(rule);
    return scans.render(b.plan, Frag.of(columns), predicate, tail, tailParams);
  }

  /** {@code SELECT <columns>, <measure 1>, ... FROM profiles p ... WHERE <rule> <tail>}: per-profile values. */
  public SqlQuery selectWithMeasures(Rule rule, Instant asOf, String columns, List<Measure> measures, String tail) {
    RuleSql b = walk(asOf);
    Frag cols = Frag.of(columns);
    for (Measure m : measures) {
      cols.add(", ").add(b.measure(m));
    }
    Frag predicate = b.topLevel(rule);
    b.requireFrom(rule);
    return scans.render(b.plan, cols, predicate, tail, List.of());
  }

  /** Whether an event type's rows live in {@code order_lines} (alias {@code l}) rather than {@code events} ({@code e}). */
  public boolean onLines(String eventType) {
    return schema.eventType(eventType).orElseThrow(() -> RuleException.general("unknown event type '" + eventType + "'")).derived();
  }

  /**
   * The predicate selecting one event type's rows that meet a filter on their properties, over alias {@code e}
   * (events) or {@code l} (order lines), as an aggregate's {@code where} reads them.
   */
  public SqlQuery eventRows(String eventType, Rule filter) {
    EventTypeDef et = schema.eventType(eventType).orElseThrow(() -> RuleException.general("unknown event type '" + eventType + "'"));
    Source source = et.derived() ? Source.LINES : Source.EVENTS;
    RuleSql b = walk(Instant.EPOCH);
    Frag f = source == Source.EVENTS ? Frag.of("e.type = ").param("?", eventType) : Frag.of("true");
    if (filter != null) {
      f.add(" AND ").add(b.rule(filter, new RuleSql.Scope(source, et)));
    }
    return new SqlQuery(f.sql.toString(), f.params);
  }

  /** A two-valued predicate: whether the SQL expression's value meets the condition. */
  public SqlQuery holds(Condition c, String expression, ValueType type) {
    Frag f = walk(Instant.EPOCH).holds(c, expression, type);
    return new SqlQuery(f.sql.toString(), f.params);
  }

  /** How many mask columns {@code n} segments need. */
  public static int maskColumns(int n) {
    return Math.max(1, (n + MASK_BITS - 1) / MASK_BITS);
  }

  /**
   * Per profile, the segments it belongs to as bit masks ({@code _sm0, _sm1, ...}; segment i is bit {@code i % 62}
   * of mask {@code i / 62}) and the value of each measure and number trait ({@code _v0, _v1, ...}). Every rule's
   * aggregates share one grouped scan per event table. Masks rather than a list: building a list per profile costs
   * more than the scan, while masks are plain integers, and grouping by them leaves one row per combination of
   * segments that occurs, from which per-segment sums and pairwise overlaps follow exactly.
   */
  public SqlQuery membershipMasks(List<Rule> rules, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    return membershipMasks("p.pkey", rules, asOf, measures, numberTraits);
  }

  /** {@link #membershipMasks} after the given leading columns (plain SQL over {@code p}, the profiles table). */
  public SqlQuery membershipMasks(String leading, List<Rule> rules, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    RuleSql b = walk(asOf);
    String number = dialect.sqlType(ValueType.NUMBER);
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
        columns.add(", CAST(").add(b.measure(x)).add(" AS " + number + ") AS _v" + v++);
      } else {
        columns.add(", ").add(b.measure(x)).add(" AS _v" + v++);
      }
    }
    for (String t : numberTraits) {
      columns.add(", CAST(p." + dialect.quote(numberTrait(t).name()) + " AS " + number + ") AS _v" + v++);
    }
    return scans.render(b.plan, columns, Frag.of("true"), null, List.of());
  }

  /**
   * {@code SELECT count(*) FILTER (WHERE <rule as of t1>), count(*) FILTER (WHERE <rule as of t2>), ...}: the rule's
   * size at each instant, in the order given, from one grouped scan per event table.
   *
   * <p>Why one scan: a rule's value as of t depends only on events before t and on the windows t resolves. So
   * each instant's walk adds its aggregates, bounded by that instant's windows, as more FILTER-ed columns of one
   * shared scan (which reaches to the latest instant), and each instant's predicate is a FILTER of one count over
   * the profiles. Sizes at a year of days read the events once, rather than once per day; the kept aggregates
   * ({@code profile_facts}) hold only the present, so they are not read.
   */
  public SqlQuery sizesAt(Rule rule, List<Instant> asOfs) {
    if (asOfs.isEmpty()) {
      throw new IllegalArgumentException("sizes need at least one as-of instant");
    }
    Instant latest = asOfs.stream().max(Instant::compareTo).orElseThrow();
    RulePlan plan = new RulePlan(latest, false);
    Frag columns = new Frag();
    for (int i = 0; i < asOfs.size(); i++) {
      RuleSql b = new RuleSql(schema, dialect, segments, facts, asOfs.get(i), plan);
      columns.add(i > 0 ? ", " : "").add("count(*) FILTER (WHERE ").add(b.rule(rule, null)).add(") AS _n" + i);
    }
    return scans.render(plan, columns, Frag.of("true"), null, List.of());
  }

  /** {@code SELECT count(*), sum(measure 1), ... FROM profiles p ... WHERE <rule>}. */
  public SqlQuery totals(Rule rule, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    RuleSql b = walk(asOf);
    Frag columns = Frag.of("count(*)");
    List<Frag> values = new ArrayList<>();
    for (Measure m : measures) {
      values.add(b.measure(m));
    }
    for (String t : numberTraits) {
      values.add(Frag.of("p." + dialect.quote(numberTrait(t).name())));
    }
    for (Frag v : values) {
      // Each use of the value appends its SQL with its own parameters, so placeholders and values stay paired.
      Frag x = Frag.of("CAST(").add(v).add(" AS " + dialect.sqlType(ValueType.NUMBER) + ")");
      columns.add(", count(").add(x).add("), sum(").add(x).add("), sum(").add(x).add(" * ").add(x).add("), min(").add(x).add("), max(").add(x).add(")");
    }
    Frag predicate = b.topLevel(rule);
    b.requireFrom(rule);
    return scans.render(b.plan, columns, predicate, null, List.of());
  }

  private TraitDef numberTrait(String t) {
    return schema.trait(t).filter(d -> d.stored() && d.type() == ValueType.NUMBER)
        .orElseThrow(() -> RuleException.general("'" + t + "' is not a stored number trait"));
  }
}
