package io.segmenta.sql;

import io.segmenta.core.rule.Rule;
import java.time.Instant;
import java.util.List;

/**
 * The one query behind a funnel (issue 18, "before saving"): per profile (all, or a one-in-k sample by key), a bit
 * mask of the steps it meets, built as {@link SqlCompiler#membershipMasks} builds segment masks (every step's
 * aggregates share one grouped scan per event table); then one row of counts: the profiles read, those meeting steps
 * 0..k for each k (all bits 0..k set), and of those meeting every step, how many pass each extra predicate (consent
 * per purpose). Counting in the same pass as the masks keeps the funnel one scan however many steps it has.
 */
public final class FunnelSql {
  private FunnelSql() {}

  /**
   * {@code SELECT read, after_0, ..., after_{n-1}, pass_0, ... FROM ...}: at most {@link SqlCompiler#MASK_BITS}
   * steps; each of {@code extra} is a predicate over a profile's key, the column {@code _pk}.
   */
  public static SqlCompiler.SqlQuery funnel(SqlCompiler compiler, List<Rule> steps, Instant asOf, int modulus, List<String> extra) {
    if (steps.isEmpty() || steps.size() > SqlCompiler.MASK_BITS) {
      throw new IllegalArgumentException("a funnel has 1 to " + SqlCompiler.MASK_BITS + " steps, got " + steps.size());
    }
    RuleSql b = compiler.walk(asOf);
    b.plan.modulus = modulus > 1 ? modulus : 0;
    Frag columns = Frag.of("p.pkey AS _pk, (CAST(0 AS BIGINT)");
    for (int i = 0; i < steps.size(); i++) {
      columns.add(" + CASE WHEN ").add(b.rule(steps.get(i), null)).add(" THEN " + (1L << i) + " ELSE 0 END");
    }
    columns.add(") AS _sm");
    long all = (1L << steps.size()) - 1;
    SqlCompiler.SqlQuery inner = new ScanSql(compiler.dialect()).render(b.plan, columns, Frag.of("true"), null, List.of());
    StringBuilder outer = new StringBuilder("SELECT count(*)");
    for (int i = 0; i < steps.size(); i++) {
      long prefix = (1L << (i + 1)) - 1;
      outer.append(", count(*) FILTER (WHERE _sm & ").append(prefix).append(" = ").append(prefix).append(")");
    }
    for (int e = 0; e < extra.size(); e++) {
      outer.append(", count(*) FILTER (WHERE _sm = ").append(all).append(" AND (").append(extra.get(e)).append("))");
    }
    outer.append(" FROM (").append(inner.sql()).append(") _funnel");
    return new SqlCompiler.SqlQuery(outer.toString(), inner.params());
  }
}
