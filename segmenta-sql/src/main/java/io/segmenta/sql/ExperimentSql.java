package io.segmenta.sql;

import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Metric;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.schema.ValueType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one query behind an experiment analysis. Exposures are grouped per unit (first exposure: variant and
 * clock); each event table is joined once to the units on the unit's key and its window after exposure, with every
 * metric aggregate a {@code FILTER}-ed column of that one grouped scan; the per-unit values are then summed per
 * (segment, variant) with their squares and, for ratios, cross products: the sufficient statistics of every test
 * the analysis runs, so no per-unit row leaves the database.
 */
public final class ExperimentSql {
  private final SqlCompiler compiler;
  private final List<Object> params = new ArrayList<>();

  private ExperimentSql(SqlCompiler compiler) {
    this.compiler = compiler;
  }

  /**
   * Columns: v (the variant's position from 1, 0 for a variant the experiment does not have), nv (1, or 2 for units
   * that saw several variants), the membership masks _sm0.. (see
   * {@link SqlCompiler#membershipMasks}), units, then per metric sum(a), sum(a*a), sum(b), sum(b*b), sum(a*b): one row
   * per variant and combination of segments, which the caller adds up per segment.
   */
  public static SqlCompiler.SqlQuery build(SqlCompiler compiler, Experiment e, List<Rule> segments, Instant segmentsAsOf, Instant asOf) {
    ExperimentSql q = new ExperimentSql(compiler);
    String sql = q.sql(e, segments, segmentsAsOf, asOf);
    return new SqlCompiler.SqlQuery(sql, q.params);
  }

  private String sql(Experiment e, List<Rule> segments, Instant segmentsAsOf, Instant asOf) {
    // Variants as small integers (their position, 0 for a name the experiment does not have): grouping 10M
    // exposures on integers instead of strings halves the cost of the largest aggregation. A unit's variant is
    // min = max over its exposures; a unit with two is left out (nv = 2), so no arg_min is needed.
    StringBuilder vi = new StringBuilder("CASE e.variation_id");
    List<Object> viParams = new ArrayList<>();
    for (int i = 0; i < e.allocation().variants().size(); i++) {
      vi.append(" WHEN ? THEN ").append(i + 1);
      viParams.add(e.allocation().variants().get(i).key());
    }
    vi.append(" ELSE 0 END");
    StringBuilder x = new StringBuilder("WITH x AS (SELECT pkey, min(ts) AS t0, min(vi) AS v, CASE WHEN min(vi) = max(vi) THEN 1 ELSE 2 END AS nv"
        + " FROM (SELECT e.pkey, e.ts, " + vi + " AS vi FROM events e WHERE e.type = '" + Experiment.EXPOSURE_EVENT
        + "' AND e.experiment_id = ? AND e.pkey IS NOT NULL AND e.variation_id IS NOT NULL");
    params.addAll(viParams);
    params.add(e.key());
    if (e.start() != null) {
      x.append(" AND e.ts >= ?");
      params.add(ts(e.start()));
    }
    // The stop is exclusive (the experiment's contract) but the as-of instant is inclusive, as in segment rules
    // (Window.resolve): with --as-of latest the newest exposures sit exactly at asOf and must count.
    if (e.stop() != null && !e.stop().isAfter(asOf)) {
      x.append(" AND e.ts < ?");
      params.add(ts(e.stop()));
    } else {
      x.append(" AND e.ts <= ?");
      params.add(ts(asOf));
    }
    if (e.exposureFilter() != null) {
      SqlCompiler.SqlQuery f = compiler.eventRows(Experiment.EXPOSURE_EVENT, e.exposureFilter());
      x.append(" AND ").append(f.sql());
      params.addAll(f.params());
    }
    x.append(") GROUP BY pkey)");

    // One grouped scan per event table; aggregate k of the metrics is column _m<k> of its table's scan.
    List<Measure.Aggregate> aggs = new ArrayList<>();
    for (Metric m : e.metrics()) {
      aggs.addAll(m.aggregates());
    }
    StringBuilder scans = new StringBuilder();
    String[] ref = new String[aggs.size()];
    for (boolean lines : new boolean[] {false, true}) {
      String alias = lines ? "l" : "e";
      StringBuilder cols = new StringBuilder();
      Set<String> types = new LinkedHashSet<>();
      List<Object> colParams = new ArrayList<>();
      for (int k = 0; k < aggs.size(); k++) {
        Measure.Aggregate a = aggs.get(k);
        if (compiler.onLines(a.eventType()) != lines) {
          continue;
        }
        types.add(a.eventType());
        SqlCompiler.SqlQuery rows = compiler.eventRows(a.eventType(), a.filter());
        String fn = a.fn() == Measure.Fn.COUNT ? "count(*)" : "sum(" + alias + "." + compiler.dialect().quote(a.property()) + ")";
        cols.append(", ").append(fn).append(" FILTER (WHERE ").append(rows.sql()).append(") AS _m").append(k);
        colParams.addAll(rows.params());
        ref[k] = (lines ? "ln" : "ev") + "._m" + k;
      }
      if (types.isEmpty()) {
        continue;
      }
      String table = lines ? "order_lines" : "events";
      scans.append(", ").append(lines ? "ln" : "ev").append(" AS (SELECT x.pkey").append(cols)
          .append(" FROM x JOIN ").append(table).append(' ').append(alias).append(" ON ").append(alias).append(".pkey = x.pkey AND ")
          .append(alias).append(".ts >= x.t0 AND ").append(alias).append(".ts < ").append(compiler.dialect().plusSeconds("x.t0", "?")).append(" AND ")
          .append(alias).append(".ts <= ?");
      params.addAll(colParams);
      params.add(e.window().getSeconds());
      params.add(ts(asOf));
      if (!lines) {
        scans.append(" WHERE e.type IN (");
        int i = 0;
        for (String t : types) {
          scans.append(i++ > 0 ? ", ?" : "?");
          params.add(t);
        }
        scans.append(")");
      }
      scans.append(" GROUP BY x.pkey)");
    }

    // Per-unit values: a (the value, or a ratio's numerator) and b (a ratio's denominator).
    String number = compiler.dialect().sqlType(ValueType.NUMBER);
    StringBuilder u = new StringBuilder(", u AS (SELECT x.pkey, x.v, x.nv");
    int k = 0;
    for (int j = 0; j < e.metrics().size(); j++) {
      Metric m = e.metrics().get(j);
      String first = "COALESCE(CAST(" + ref[k] + " AS " + number + "), 0)";
      if (m.kind() == Metric.Kind.CONVERSION) {
        SqlCompiler.SqlQuery holds = compiler.holds(m.condition(), first, ValueType.NUMBER);
        u.append(", CASE WHEN ").append(holds.sql()).append(" THEN 1.0 ELSE 0.0 END AS a").append(j).append(", 0.0 AS b").append(j);
        params.addAll(holds.params());
        k++;
      } else if (m.kind() == Metric.Kind.MEAN) {
        u.append(", ").append(first).append(" AS a").append(j).append(", 0.0 AS b").append(j);
        k++;
      } else {
        u.append(", ").append(first).append(" AS a").append(j).append(", COALESCE(CAST(").append(ref[k + 1]).append(" AS " + number + "), 0) AS b").append(j);
        k += 2;
      }
    }
    u.append(" FROM x");
    if (scans.indexOf(" ev AS (") >= 0) {
      u.append(" LEFT JOIN ev ON ev.pkey = x.pkey");
    }
    if (scans.indexOf(" ln AS (") >= 0) {
      u.append(" LEFT JOIN ln ON ln.pkey = x.pkey");
    }
    u.append(")");

    StringBuilder out = new StringBuilder(x).append(scans).append(u);
    int masks = SqlCompiler.maskColumns(segments.size());
    StringBuilder maskCols = new StringBuilder();
    for (int m = 0; m < masks; m++) {
      maskCols.append(", ").append(segments.isEmpty() ? "CAST(0 AS BIGINT)" : "COALESCE(s._sm" + m + ", 0)").append(" AS _sm").append(m);
    }
    if (!segments.isEmpty()) {
      SqlCompiler.SqlQuery ms = compiler.membershipMasks(segments, segmentsAsOf, List.of(), List.of());
      out.append(", s AS (").append(ms.sql()).append(")");
      params.addAll(ms.params());
    }
    out.append(" SELECT v, nv");
    for (int m = 0; m < masks; m++) {
      out.append(", _sm").append(m);
    }
    out.append(", count(*)");
    for (int j = 0; j < e.metrics().size(); j++) {
      String a = "a" + j;
      String b = "b" + j;
      out.append(", sum(").append(a).append("), sum(").append(a).append(" * ").append(a).append("), sum(").append(b)
          .append("), sum(").append(b).append(" * ").append(b).append("), sum(").append(a).append(" * ").append(b).append(")");
    }
    out.append(" FROM (SELECT u.*").append(maskCols).append(" FROM u");
    if (!segments.isEmpty()) {
      out.append(" LEFT JOIN s ON s.pkey = u.pkey");
    }
    out.append(") GROUP BY v, nv");
    for (int m = 0; m < masks; m++) {
      out.append(", _sm").append(m);
    }
    return out.toString();
  }

  private static Object ts(Instant i) {
    return ParamValues.timestamp(i);
  }
}
