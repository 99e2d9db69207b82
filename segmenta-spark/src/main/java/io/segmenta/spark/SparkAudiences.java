package io.segmenta.spark;

import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.sql.SparkDialect;
import io.segmenta.sql.SqlCompiler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The audience engine on Spark: a rule's count and members over a {@link SparkLake}, from the same query
 * segmenta-sql compiles for DuckDB, written in {@link SparkDialect}. The kept aggregates of the embedded store
 * ({@code profile_facts}) are not part of the lake, so every aggregate is computed from the events.
 */
public final class SparkAudiences {
  private final SparkLake lake;
  private final SqlCompiler compiler;

  public SparkAudiences(SparkLake lake, SegmentResolver segments) {
    this.lake = lake;
    this.compiler = new SqlCompiler(lake.schema(), SparkDialect.INSTANCE, segments);
  }

  /** How many profiles meet the rule at {@code asOf}. */
  public long count(Rule rule, Instant asOf) {
    SqlCompiler.SqlQuery q = compiler.select(rule, asOf, "count(*)", null, List.of());
    return lake.query(q.sql(), q.params()).first().getLong(0);
  }

  /** The members' profile ids and keys as a distributed data set (columns {@code profile_id}, {@code pkey}), unsorted. */
  public Dataset<Row> memberRows(Rule rule, Instant asOf) {
    SqlCompiler.SqlQuery q = compiler.select(rule, asOf, "p.profile_id, p.pkey", null, List.of());
    return lake.query(q.sql(), q.params());
  }

  /** The members' profile ids in ascending order, as the embedded store lists them: for audiences that fit in memory. */
  public List<String> members(Rule rule, Instant asOf) {
    SqlCompiler.SqlQuery q = compiler.select(rule, asOf, "p.profile_id", "ORDER BY p.profile_id", List.of());
    List<String> out = new ArrayList<>();
    for (Row r : lake.query(q.sql(), q.params()).collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  /**
   * The members of each rule at its own as-of, as {@link #members} lists them, from one Spark job: the rules' queries
   * joined by {@code UNION ALL}, each row tagged with its rule's index. Why: on a small lake a Spark query costs
   * its planning and the scheduling of its stages far more than its scans, so many audiences are asked at once (the
   * differential test asks twenty rules per job).
   */
  public List<List<String>> membersOfEach(List<Rule> rules, List<Instant> asOfs) {
    if (rules.size() != asOfs.size()) {
      throw new IllegalArgumentException("asOfs: " + asOfs.size() + " instants for " + rules.size() + " rules");
    }
    List<List<String>> out = new ArrayList<>();
    if (rules.isEmpty()) {
      return out;
    }
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < rules.size(); i++) {
      SqlCompiler.SqlQuery q = compiler.select(rules.get(i), asOfs.get(i), "p.profile_id", null, List.of());
      sql.append(i > 0 ? " UNION ALL " : "").append("SELECT ").append(i).append(" AS _r, _q").append(i).append(".profile_id FROM (")
          .append(SparkLiterals.inline(q.sql(), q.params())).append(") _q").append(i);
      out.add(new ArrayList<>());
    }
    for (Row r : lake.session().sql(sql.toString()).collectAsList()) {
      out.get(r.getInt(0)).add(r.getString(1));
    }
    out.forEach(Collections::sort);
    return out;
  }

  /** The Spark SQL that lists the rule's members, literals written in: what {@link #members} runs. */
  public String sql(Rule rule, Instant asOf) {
    SqlCompiler.SqlQuery q = compiler.select(rule, asOf, "p.profile_id", "ORDER BY p.profile_id", List.of());
    return SparkLiterals.inline(q.sql(), q.params());
  }
}
