package io.segmenta.spark;

import io.segmenta.core.UserException;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.FunnelCounts;
import io.segmenta.core.port.Member;
import io.segmenta.core.port.NumberColumns;
import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.port.Totals;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Measures;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import io.segmenta.sql.SparkDialect;
import io.segmenta.sql.MaskGroups;
import io.segmenta.sql.SqlCompiler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The {@link Audiences} port on Spark, as far as the batch features and exports read it: RFM ({@code Rfm.compute}
 * reads {@link AudienceQuery.Values}), the segment P&amp;L ({@code SegmentValue.analyse} reads
 * {@link #segmentTotals}), totals, counts, pages, keys and exports (members with identifiers and traits, with
 * consent). So core's own code computes those features unchanged on both engines. The queries are segmenta-sql's, in
 * {@link SparkDialect}; the per-segment statistics are summed from one row per combination of segments by
 * segmenta-sql's {@link MaskGroups}, as the embedded store does (the same arithmetic, so the same figures up to the
 * order of floating-point sums). Rules may refer to saved segments through the resolver given (the lake's
 * {@code segments}: {@link SparkLake#segments}).
 *
 * <p>Refused, each with a message naming the shape: samples, profile rows, number columns and funnels. Why: they
 * serve the real-time and decision paths and the rule editor's previews (a one-in-N estimate while typing, every
 * profile loaded into the decision index, the lookalike model's columns, a rule's step funnel), which run against the
 * embedded store a lake is exported from, in milliseconds; a Spark job's scheduling alone takes longer than the
 * answer is worth there, and nothing on the lake's batch path asks for them.
 */
public final class SparkBatchAudiences implements Audiences, AudienceQuery.Engine {
  private final SparkLake lake;
  private final SqlCompiler compiler;

  public SparkBatchAudiences(SparkLake lake, SegmentResolver segments) {
    this.lake = lake;
    this.compiler = new SqlCompiler(lake.schema(), SparkDialect.INSTANCE, segments);
  }

  @Override
  public <R> R run(AudienceQuery<R> query) {
    return query.accept(this);
  }

  @Override
  public long count(AudienceQuery.Count q) {
    SqlCompiler.SqlQuery s = compiler.select(q.rule(), q.asOf(), "count(*)", null, List.of());
    return lake.query(s.sql(), s.params()).first().getLong(0);
  }

  @Override
  public List<String> page(AudienceQuery.Page q) {
    String tail = "ORDER BY p.profile_id LIMIT " + q.limit() + (q.offset() > 0 ? " OFFSET " + q.offset() : "");
    SqlCompiler.SqlQuery s = compiler.select(q.rule(), q.asOf(), "p.profile_id", tail, List.of());
    List<String> out = new ArrayList<>();
    for (Row r : lake.query(s.sql(), s.params()).collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  @Override
  public long[] keys(AudienceQuery.Keys q) {
    SqlCompiler.SqlQuery s = compiler.select(q.rule(), q.asOf(), "p.pkey", "ORDER BY p.pkey", List.of());
    List<Row> rows = lake.query(s.sql(), s.params()).collectAsList();
    long[] out = new long[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = rows.get(i).getLong(0);
    }
    return out;
  }

  /** Members in key order (the lake's keys are the store's, so the order profiles were first stored in), as the store sends them. */
  @Override
  public void values(AudienceQuery.Values q) {
    SqlCompiler.SqlQuery s = compiler.selectWithMeasures(q.rule(), q.asOf(), "p.profile_id", q.measures(), "ORDER BY p.pkey");
    List<ValueType> types = q.measures().stream().map(m -> Measures.type(m, lake.schema())).toList();
    Iterator<Row> it = lake.query(s.sql(), s.params()).toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      List<Value> values = new ArrayList<>(types.size());
      for (int i = 0; i < types.size(); i++) {
        values.add(SparkValues.read(r, i + 1, types.get(i)));
      }
      q.sink().accept(r.getString(0), values);
    }
  }

  @Override
  public long sample(AudienceQuery.Sample q) {
    throw refused("a sample");
  }

  /**
   * Members in profile id order with their identifiers (by kind, then value) and the named traits, leaving out those
   * whose consent does not allow the purpose: the embedded store's export, with the lake's {@code consent_choices}
   * (the choice in effect by {@link ConsentPolicy}) and {@link ConsentPolicy#sqlAllowed}'s default when none was made.
   * Spark decorrelates the two per-member subqueries into grouped joins.
   */
  @Override
  public long export(AudienceQuery.Export q) {
    List<TraitDef> traits = new ArrayList<>();
    for (String n : q.traits()) {
      traits.add(lake.schema().trait(n).orElseThrow(() -> new UserException("unknown trait '" + n + "' in the export column list")));
    }
    StringBuilder cols = new StringBuilder("p.profile_id, ");
    cols.append(lake.has("identifiers")
        ? "(SELECT array_sort(collect_list(named_struct('kind', i.kind, 'value', i.value))) FROM identifiers i WHERE i.pkey = p.pkey)"
        : "CAST(NULL AS ARRAY<STRUCT<kind: STRING, value: STRING>>)");
    List<Measure> computed = new ArrayList<>();
    for (TraitDef t : traits) {
      if (t.stored()) {
        cols.append(", p.").append(SparkDialect.INSTANCE.quote(t.name()));
      } else {
        cols.append(", NULL");
        computed.add(ComputedTraits.definition(t.name()).orElseThrow(() -> new UserException("trait '" + t.name() + "' is neither stored nor computed")));
      }
    }
    String choice = lake.has("consents")
        ? "(SELECT max(c.granted) FROM consent_choices c WHERE c.pkey = p.pkey AND c.purpose = '" + q.purpose().label() + "')"
        : "CAST(NULL AS BOOLEAN)";
    String tail = "AND " + ConsentPolicy.sqlAllowed(q.purpose(), choice) + " ORDER BY p.profile_id";
    SqlCompiler.SqlQuery s = compiler.selectWithMeasures(q.rule(), q.asOf(), cols.toString(), computed, tail);
    Iterator<Row> it = lake.query(s.sql(), s.params()).toLocalIterator();
    long n = 0;
    while (it.hasNext()) {
      Row r = it.next();
      List<Identifier> ids = new ArrayList<>();
      if (!r.isNullAt(1)) {
        for (Row id : r.<Row>getList(1)) {
          ids.add(new Identifier(id.getString(0), id.getString(1)));
        }
      }
      Map<String, Value> values = new LinkedHashMap<>();
      int m = 0;
      for (int i = 0; i < traits.size(); i++) {
        TraitDef t = traits.get(i);
        int col = t.stored() ? i + 2 : 2 + traits.size() + m++;
        values.put(t.name(), SparkValues.read(r, col, t.type()));
      }
      q.sink().accept(new Member(r.getString(0), ids, values));
      n++;
    }
    return n;
  }

  @Override
  public void rows(AudienceQuery.Rows q) {
    throw refused("profile rows");
  }

  @Override
  public NumberColumns columns(AudienceQuery.Columns q) {
    throw refused("number columns");
  }

  @Override
  public FunnelCounts funnel(AudienceQuery.Funnel q) {
    throw refused("a funnel");
  }

  private static UnsupportedOperationException refused(String shape) {
    return new UnsupportedOperationException("query: " + shape + " is not answered on spark (the lake engine answers counts, pages, keys, exports, values and totals; ask the embedded store)");
  }

  @Override
  public Totals totals(Rule rule, Instant asOf, List<Measure> measures) {
    return totals(rule, asOf, measures, List.of());
  }

  @Override
  public Totals totals(Rule rule, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    SqlCompiler.SqlQuery s = compiler.totals(rule, asOf, measures, numberTraits);
    Row r = lake.query(s.sql(), s.params()).first();
    List<Double> sums = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    List<Double> squares = new ArrayList<>();
    List<Double> mins = new ArrayList<>();
    List<Double> maxs = new ArrayList<>();
    for (int i = 0; i < measures.size() + numberTraits.size(); i++) {
      int c = 1 + 5 * i;
      counts.add(r.getLong(c));
      sums.add(SparkValues.number(r, c + 1, 0.0));
      squares.add(SparkValues.number(r, c + 2, 0.0));
      mins.add(SparkValues.number(r, c + 3, Double.NaN));
      maxs.add(SparkValues.number(r, c + 4, Double.NaN));
    }
    return new Totals(r.getLong(0), sums, counts, squares, mins, maxs);
  }

  /**
   * Per-segment totals and pairwise overlaps from one scan: {@link SqlCompiler#membershipMasks} gives each profile a
   * bit per segment and its values, grouping by the masks leaves a row per combination of segments that occurs, and
   * each segment's statistics are exact sums over the rows with its bit (the store's {@code MaskTotals}).
   */
  @Override
  public SegmentTotals segmentTotals(Map<String, Rule> segments, Instant asOf, List<Measure> measures, List<String> numberTraits,
      BitSet spread) {
    List<String> names = new ArrayList<>(segments.keySet());
    SqlCompiler.SqlQuery q = compiler.membershipMasks(new ArrayList<>(segments.values()), asOf, measures, numberTraits);
    MaskGroups groups = new MaskGroups(names, measures.size() + numberTraits.size(), spread);
    String sql = groups.sql(SparkLiterals.inline(q.sql(), q.params()), new ArrayList<>(segments.values()));
    for (Row r : lake.session().sql(sql).collectAsList()) {
      groups.add(new MaskGroups.Row() {
        @Override
        public long count(int column) {
          return r.getLong(column);
        }

        @Override
        public double number(int column, double absent) {
          return SparkValues.number(r, column, absent);
        }
      });
    }
    return groups.totals();
  }

  @Override
  public String explain(Rule rule, Instant asOf) {
    SqlCompiler.SqlQuery s = compiler.select(rule, asOf, "p.profile_id", null, List.of());
    return SparkLiterals.inline(s.sql(), s.params());
  }
}
