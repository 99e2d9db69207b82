package io.segmenta.bench;

import io.segmenta.core.experiment.Allocation;
import io.segmenta.core.experiment.Analysis;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Metric;
import io.segmenta.core.experiment.Targeting;
import io.segmenta.core.experiment.Variant;
import io.segmenta.core.port.ExperimentData;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Analysing an experiment of 10,000,000 exposure events (ten per customer of the 1M-customer shop, first exposures
 * spread over April and May 2025) broken down by the twenty segments of {@link ValueBench}: three metrics
 * (conversion, revenue, return rate as a ratio) with every test of the analysis, through Segmenta; against
 * hand-written DuckDB SQL computing the same sufficient statistics (first exposure per unit, the window join,
 * the segment predicates over a feature table). Agreement is checked first (units and conversions per segment and
 * variant), then the two are timed interleaved.
 *
 * <p>Run it on a copy of the shop, since it adds the exposures to the events:
 * <pre>cp -r /work/bench/shop-1m /work/bench/shop-1m-exp
 * java -Xmx12g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.ExperimentBench --data-dir /work/bench/shop-1m-exp --runs 5</pre>
 */
public final class ExperimentBench {
  private ExperimentBench() {}

  static final String KEY = "bench-exp";
  static final String AS_OF = ValueBench.AS_OF;

  static Experiment experiment() {
    return new Experiment(KEY, null, Allocation.split(List.of(new Variant("control", 0.5, Value.NULL), new Variant("treatment", 0.5, Value.NULL))),
        Targeting.EVERYONE, List.of(Metric.parse("purchase = count(order) >= 1", false), Metric.parse("revenue = sum(order.revenue)", false),
            Metric.parse("return_rate = sum(return.value) / sum(order.revenue)", true)), Duration.ofDays(14), null, null, null);
  }

  /** Ten exposures per customer: the first in April or May 2025, the rest within the next two weeks, same variant. */
  static void addExposures(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM events WHERE type = 'experiment_viewed' AND experiment_id = '" + KEY + "'")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          System.out.printf("exposures present: %,d%n", rs.getLong(1));
          return;
        }
      }
      long t0 = System.nanoTime();
      st.execute("INSERT INTO events (event_id, pkey, type, ts, experiment_id, variation_id)"
          + " SELECT 'bx-' || p.pkey || '-' || i, p.pkey, 'experiment_viewed',"
          + " TIMESTAMP '2025-04-01 00:00:00' + to_seconds(CAST(hash(p.profile_id, 'first') % 5270400 AS BIGINT)) + to_seconds(CAST(i * (hash(p.profile_id, i) % 120000) AS BIGINT)),"
          + " '" + KEY + "', CASE WHEN hash(p.profile_id, 'variant') % 2 = 0 THEN 'control' ELSE 'treatment' END"
          + " FROM profiles p, range(10) r(i)");
      System.out.printf("added 10 exposures per profile in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The hand-written peer: per (segment, variant) units, conversions and the sums the tests need. */
  static String peer() {
    String[] v = ValueBench.peer();
    StringBuilder segs = new StringBuilder("[");
    List<ValueBench.Segment> list = ValueBench.segments();
    for (int i = 0; i < list.size(); i++) {
      segs.append(i > 0 ? ", " : "").append("CASE WHEN COALESCE(").append(list.get(i).sql()).append(", false) THEN ").append(i).append(" END");
    }
    segs.append(", -1]");
    return v[0] + ";\n"
        + "WITH x AS (SELECT pkey, min(ts) AS t0, arg_min(variation_id, ts) AS v, count(DISTINCT variation_id) AS nv FROM events"
        + " WHERE type = 'experiment_viewed' AND experiment_id = '" + KEY + "' AND ts < " + AS_OF + " GROUP BY pkey),"
        + " m AS (SELECT x.pkey, count(*) FILTER (WHERE e.type = 'order') AS o, sum(e.revenue) FILTER (WHERE e.type = 'order') AS rev,"
        + " sum(e.value) FILTER (WHERE e.type = 'return') AS ret FROM x JOIN events e ON e.pkey = x.pkey AND e.ts >= x.t0 AND e.ts < x.t0 + INTERVAL 14 DAY"
        + " AND e.ts < " + AS_OF + " WHERE e.type IN ('order', 'return') GROUP BY x.pkey),"
        + " u AS (SELECT x.pkey, x.v, CASE WHEN COALESCE(o, 0) >= 1 THEN 1.0 ELSE 0.0 END AS a0, COALESCE(rev, 0) AS a1, COALESCE(ret, 0) AS a2"
        + " FROM x LEFT JOIN m ON m.pkey = x.pkey WHERE x.nv = 1)"
        + " SELECT seg, v, count(*), sum(a0), sum(a1), sum(a1 * a1), sum(a2), sum(a2 * a2), sum(a1 * a2)"
        + " FROM (SELECT u.*, unnest(list_filter(" + segs + ", lambda q: q IS NOT NULL)) AS seg FROM u JOIN feat ON feat.pkey = u.pkey) GROUP BY seg, v";
  }

  static Map<String, double[]> runPeer(Connection c) throws SQLException {
    String[] sql = peer().split(";\n");
    Map<String, double[]> out = new HashMap<>();
    List<ValueBench.Segment> list = ValueBench.segments();
    try (Statement st = c.createStatement()) {
      st.execute(sql[0]);
      try (ResultSet rs = st.executeQuery(sql[1])) {
        while (rs.next()) {
          int seg = rs.getInt(1);
          out.put((seg < 0 ? "everyone" : list.get(seg).name()) + "/" + rs.getString(2), new double[] {rs.getLong(3), rs.getDouble(4), rs.getDouble(5)});
        }
      }
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "target/bench-1000000"));
    int runs = Integer.parseInt(SegmentBench.arg(args, "--runs", "5"));
    StoreConfig config = StoreConfig.resolve(dir, SegmentBench.arg(args, "--memory-limit", "8GB"), Runtime.getRuntime().availableProcessors(), Map.of());
    try (Store upgrade = DuckDb.open(config)) {
      // Opening the store adds the exposure columns to a shop written by an older version.
      upgrade.profiles().stats();
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + config.databaseFile())) {
      addExposures(c);
    }
    Map<String, Rule> rules = new LinkedHashMap<>();
    ValueBench.segments().forEach(s -> rules.put(s.name(), RuleText.parseRule(s.rule())));
    Instant asOf = SegmentBench.AS_OF;
    Experiment e = experiment();
    try (Store store = DuckDb.open(config); Connection c = DriverManager.getConnection("jdbc:duckdb:" + config.databaseFile())) {
      System.out.printf("shop: %,d profiles, %,d events%n", store.profiles().stats().profiles(), store.profiles().stats().events());
      ExperimentData d = store.experimentReads().experimentData(e, rules, asOf, asOf);
      Map<String, double[]> theirs = runPeer(c);
      long units = 0;
      for (ExperimentData.Cell cell : d.cells()) {
        double[] t = theirs.get((cell.segment() == null ? "everyone" : cell.segment()) + "/" + cell.variant());
        if (t == null || t[0] != cell.units() || t[1] != cell.metrics().get(0).sum() || Math.abs(t[2] - cell.metrics().get(1).sum()) > 1e-6 * Math.max(1, t[2])) {
          throw new IllegalStateException(cell + " differs from the SQL: " + (t == null ? "none" : Arrays.toString(t)));
        }
        units += cell.segment() == null ? cell.units() : 0;
      }
      if (d.cells().size() != theirs.size()) {
        throw new IllegalStateException("cells: Segmenta " + d.cells().size() + ", SQL " + theirs.size());
      }
      System.out.printf("agree: %d cells (20 segments + everyone, 2 variants), %,d units%n", d.cells().size(), units);
      double[] a = new double[runs];
      double[] b = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        Analysis.Report r = Analysis.analyse(store.experimentReads(), e, rules, asOf, Analysis.Options.DEFAULT);
        a[i] = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        runPeer(c);
        b[i] = (System.nanoTime() - t0) / 1e6;
        System.out.printf("run %d: segmenta %.0f ms (%d comparisons), hand-written SQL %.0f ms%n", i + 1, a[i], r.comparisons().size(), b[i]);
      }
      double ma = SegmentBench.median(a);
      double mb = SegmentBench.median(b);
      System.out.printf("median: segmenta %.0f ms, hand-written SQL %.0f ms, ratio %.2f (target <= 2000 ms)%n", ma, mb, ma / mb);
    }
  }
}
