package io.segmenta.sql;

import io.segmenta.core.schema.ValueType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link RulePlan} as one query over {@code profiles}: a grouped scan per event table that has
 * aggregates ({@code WITH a_e AS (SELECT e.pkey, count(*) FILTER (WHERE ...) AS _m0, ... GROUP BY e.pkey)}), joined
 * to the profiles, with the kept aggregates ({@code profile_facts}) when the plan reads them.
 *
 * <p>Why one scan per table: a rule with ten aggregates still reads the events once, and rows that meet no
 * aggregate's condition are left out of the scan (predicate pushdown), as a hand-written query would.
 */
final class ScanSql {
  /** Up to this many distinct aggregate row conditions per table are pushed into the scan's WHERE. */
  static final int MAX_PUSHED_FILTERS = 4;

  private final Dialect dialect;

  ScanSql(Dialect dialect) {
    this.dialect = dialect;
  }

  /** {@code WITH <scans> SELECT <columns> FROM profiles p <joins> WHERE <predicate> <tail>}. */
  SqlCompiler.SqlQuery render(RulePlan plan, Frag columns, Frag predicate, String tail, List<Object> tailParams) {
    Frag sql = new Frag();
    List<String> joins = new ArrayList<>();
    boolean first = true;
    for (Source s : Source.values()) {
      Map<String, RulePlan.Agg> aggs = plan.aggregates.get(s);
      if (aggs.isEmpty()) {
        continue;
      }
      sql.add(first ? "WITH " : ", ").add(s.cte()).add(" AS (SELECT ").add(s.alias).add(".pkey");
      first = false;
      // When every aggregate has the same row condition and it is pushed, the WHERE applies it once for all of
      // them. When there are more aggregates than distinct conditions, each condition becomes a boolean column of the
      // scan, computed once per row, and the aggregates filter on those columns; otherwise each aggregate keeps
      // its condition in its own FILTER.
      Map<String, RulePlan.RowFilter> conditions = plan.rowFilters.get(s);
      Instant lower = plan.lowerBound.get(s);
      // Rows that meet no aggregate's condition would only make empty groups: leave them out of the scan. A
      // profile without a group reads as 0 (counts, sums) or missing, exactly as an empty group would. This pays
      // when every aggregate filters on event properties (category = 'kids'); when some only select by type and
      // window, the type list and time bounds already do the work and the OR is a cost per row, as it is with
      // many different conditions. A single condition is always pushed: it is one more conjunct, which the engine
      // applies in its scan (type and time compare with constants there), and the aggregates then need no FILTER,
      // so the scan reads no column for it (count(order in last 90 days) reads the keys alone, as a hand-written
      // query does, rather than the keys and every row's type).
      boolean pushed = conditions.size() == 1 || conditions.size() <= MAX_PUSHED_FILTERS && !plan.unfiltered.contains(s);
      boolean shared = pushed && conditions.size() == 1;
      boolean conditionColumns = !shared && aggs.size() > conditions.size();
      List<String> keys = new ArrayList<>(conditions.keySet());
      int i = 0;
      for (RulePlan.Agg a : aggs.values()) {
        sql.add(", ").add(a.function());
        if (conditionColumns) {
          sql.add(" FILTER (WHERE " + s.alias + "._f" + keys.indexOf(a.filterKey()) + ")");
        } else if (!shared) {
          sql.add(" FILTER (WHERE ").add(render(a.filter(), lower)).add(")");
        }
        sql.add(" AS _m" + i++);
      }
      sql.add(" FROM ");
      if (conditionColumns) {
        sql.add("(SELECT ").add(s.alias).add(".*");
        for (int k = 0; k < keys.size(); k++) {
          RulePlan.RowFilter rf = conditions.get(keys.get(k));
          // Type and time are never missing: only a condition on event properties needs COALESCE to be two-valued.
          if (rf.property() == null) {
            sql.add(", ").add(render(rf, lower)).add(" AS _f" + k);
          } else {
            sql.add(", COALESCE(").add(render(rf, lower)).add(", false) AS _f" + k);
          }
        }
        sql.add(" FROM ");
      }
      sql.add(s.table).add(" ").add(s.alias).add(" WHERE ").add(s.alias).add(".pkey IS NOT NULL AND ");
      if (s == Source.EVENTS) {
        List<String> types = new ArrayList<>(plan.types);
        sql.add(s.alias).add(".type IN (");
        for (int t = 0; t < types.size(); t++) {
          sql.add(t > 0 ? ", " : "").param("?", types.get(t));
        }
        sql.add(") AND ");
      } else {
        sql.add(s.alias).add(".event_type = 'order' AND ");
      }
      sql.add(s.alias).add(".ts < ").param(dialect.param(ValueType.TIMESTAMP), ParamValues.timestamp(plan.end));
      if (plan.modulus > 0) {
        sql.add(" AND " + s.alias + ".pkey % " + plan.modulus + " = 0");
      }
      if (lower != null) {
        sql.add(" AND ").add(s.alias).add(".ts >= ").param(dialect.param(ValueType.TIMESTAMP), ParamValues.timestamp(lower));
      }
      if (pushed) {
        sql.add(" AND (");
        int f = 0;
        for (RulePlan.RowFilter rf : conditions.values()) {
          sql.add(f++ > 0 ? " OR " : "").add("(").add(render(rf, lower)).add(")");
        }
        sql.add(")");
      }
      if (conditionColumns) {
        sql.add(") ").add(s.alias);
      }
      sql.add(" GROUP BY ").add(s.alias).add(".pkey");
      List<Frag> having = plan.having.getOrDefault(s, List.of());
      for (int h = 0; h < having.size(); h++) {
        sql.add(h == 0 ? " HAVING " : " AND ").add(having.get(h));
      }
      sql.add(")");
      String join = plan.required.contains(s) ? " JOIN " : " LEFT JOIN ";
      joins.add(join + s.cte() + " ON " + s.cte() + ".pkey = p.pkey");
    }
    sql.add(first ? "" : " ").add("SELECT ").add(columns).add(" FROM profiles p");
    joins.forEach(sql::add);
    if (plan.factsRead) {
      sql.add(plan.factsRequired ? " JOIN " : " LEFT JOIN ").add("profile_facts pf ON pf.pkey = p.pkey");
    }
    sql.add(" WHERE ").add(predicate);
    if (plan.modulus > 0) {
      sql.add(" AND p.pkey % " + plan.modulus + " = 0");
    }
    if (tail != null && !tail.isEmpty()) {
      sql.add(" ").add(tail);
      sql.params.addAll(tailParams);
    }
    return new SqlCompiler.SqlQuery(sql.sql.toString(), List.copyOf(sql.params));
  }

  /**
   * The condition as SQL inside a scan whose rows all have {@code ts >= lower} (null: no such bound): a window
   * starting there adds nothing, and leaving it out saves a comparison per row and condition.
   */
  private Frag render(RulePlan.RowFilter filter, Instant lower) {
    String al = filter.source().alias;
    Frag f = filter.type() != null ? Frag.of(al + ".type = ").param("?", filter.type()) : Frag.of("true");
    if (filter.from() != null && !filter.from().equals(lower)) {
      f.add(" AND " + al + ".ts >= ").param(dialect.param(ValueType.TIMESTAMP), ParamValues.timestamp(filter.from()));
    }
    if (filter.until() != null) {
      f.add(" AND " + al + ".ts < ").param(dialect.param(ValueType.TIMESTAMP), ParamValues.timestamp(filter.until()));
    }
    if (filter.property() != null) {
      f.add(" AND ").add(filter.property());
    }
    return f;
  }
}
