package io.segmenta.bench;

import io.segmenta.core.pnl.Margins;
import io.segmenta.core.pnl.SegmentValue;
import io.segmenta.core.store.Store;
import io.segmenta.core.rfm.Rfm;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Segment value on the 1M-customer shop (built by {@link SegmentBench}): RFM scores of every customer plus the P&L
 * (with returns, margins, conversion, flags) and overlaps of twenty segments that use traits, computed traits and
 * windowed aggregates, through Segmenta; against hand-written DuckDB SQL computing the same figures the way an
 * analyst would (one feature scan, window functions for the quintiles, FILTERed aggregates, unnest for overlaps).
 * The two are checked to agree (members, gross revenue per segment, RFM scores) before timing, then interleaved.
 *
 * <pre>java -Xmx12g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.ValueBench --data-dir /tmp/bench-1m --runs 5</pre>
 */
public final class ValueBench {
  private ValueBench() {}

  record Segment(String name, String rule, String sql) {}

  static final String AS_OF = "TIMESTAMP '2025-06-30 23:00:00'";

  static List<Segment> segments() {
    return List.of(
        new Segment("dk", "country = \"DK\"", "country = 'DK'"),
        new Segment("no", "country = \"NO\"", "country = 'NO'"),
        new Segment("se", "country = \"SE\"", "country = 'SE'"),
        new Segment("students", "occupation = \"student\"", "occupation = 'student'"),
        new Segment("pensioners", "occupation = \"retired\"", "occupation = 'retired'"),
        new Segment("families", "has_children = true", "has_children"),
        new Segment("affluent", "income >= 90000", "income >= 90000"),
        new Segment("repeat", "orders >= 3", "orders_all >= 3"),
        new Segment("valuable", "net_revenue > 1000", "COALESCE(gross_all, 0) - COALESCE(returned_all, 0) > 1000"),
        new Segment("returners", "return_rate > 0.85 and orders >= 2", "returned_all / NULLIF(gross_all, 0) > 0.85 AND orders_all >= 2"),
        new Segment("recent", "count(order in last 90 days) >= 1", "o90 >= 1"),
        new Segment("lapsed", "days_since_last_order > 180", "(epoch_us(" + AS_OF + ") - epoch_us(last_order)) // 86400000000 > 180"),
        new Segment("discount-lovers", "discount_share >= 0.5", "disc_orders / NULLIF(orders_all, 0) >= 0.5"),
        new Segment("tech", "interests contains \"technology\"", "list_contains(interests, 'technology')"),
        new Segment("mobile", "devices contains \"mobile\"", "list_contains(devices, 'mobile')"),
        new Segment("young", "age < 30", "age < 30"),
        new Segment("senior", "age >= 60", "age >= 60"),
        new Segment("social", "count(session where traffic_source = \"social\" in last 180 days) >= 1", "social >= 1"),
        new Segment("dk-spenders", "gross_revenue > 500 and country = \"DK\"", "gross_all > 500 AND country = 'DK'"),
        new Segment("one-timers", "orders = 1", "orders_all = 1"));
  }

  /** The twenty segments' rule texts by name, in order, and the report's options: SparkBench runs the same report. */
  public static Map<String, String> rules() {
    Map<String, String> out = new LinkedHashMap<>();
    segments().forEach(k -> out.put(k.name(), k.rule()));
    return out;
  }

  /** The report's options: a 365-day window and a 40 % margin. */
  public static SegmentValue.Options options() {
    return SegmentValue.Options.standard().withWindow("in last 365 days").withMargins(new Margins(0.4, Map.of(), 0));
  }

  /** The hand-written peer: features in one scan, then RFM and the per-segment P&L and overlaps. */
  static String[] peer() {
    String d90 = "TIMESTAMP '2025-04-01 23:00:00'";
    String d180 = "TIMESTAMP '2025-01-01 23:00:00'";
    String d365 = "TIMESTAMP '2024-06-30 23:00:00'";
    String features = "CREATE OR REPLACE TEMP TABLE feat AS SELECT p.pkey, p.country, p.occupation, p.has_children, p.income, p.interests, p.devices, p.age, f.*"
        + " FROM profiles p LEFT JOIN (SELECT pkey AS k,"
        + " count(*) FILTER (WHERE type = 'order') AS orders_all, sum(revenue) FILTER (WHERE type = 'order') AS gross_all,"
        + " sum(value) FILTER (WHERE type = 'return') AS returned_all, count(*) FILTER (WHERE type = 'order' AND ts >= " + d90 + ") AS o90,"
        + " count(*) FILTER (WHERE type = 'order' AND discount > 0) AS disc_orders, max(ts) FILTER (WHERE type = 'order') AS last_order,"
        + " max(ts) FILTER (WHERE type = 'session') AS last_session,"
        + " count(*) FILTER (WHERE type = 'session' AND traffic_source = 'social' AND ts >= " + d180 + ") AS social,"
        + " sum(revenue) FILTER (WHERE type = 'order' AND ts >= " + d365 + ") AS g, sum(value) FILTER (WHERE type = 'return' AND ts >= " + d365 + ") AS r,"
        + " count(*) FILTER (WHERE type = 'order' AND ts >= " + d365 + ") AS o, count(*) FILTER (WHERE type = 'return' AND ts >= " + d365 + ") AS nr,"
        + " count(*) FILTER (WHERE type = 'session' AND ts >= " + d365 + ") AS s,"
        + " count(*) FILTER (WHERE type IN ('order', 'session', 'page_view', 'product_view') AND ts >= " + d365 + ") AS ev"
        + " FROM events WHERE pkey IS NOT NULL AND ts <= " + AS_OF + " GROUP BY pkey) f ON f.k = p.pkey";
    String lines = "CREATE OR REPLACE TEMP TABLE lin AS SELECT pkey AS k, sum(line_total) AS lt FROM order_lines WHERE event_type = 'order'"
        + " AND pkey IS NOT NULL AND ts >= " + d365 + " AND ts <= " + AS_OF + " GROUP BY pkey";
    String rfm = "CREATE OR REPLACE TEMP TABLE rfm AS WITH x AS (SELECT pkey, (epoch_us(" + AS_OF + ") - epoch_us(last_order)) // 86400000000 AS rec,"
        + " orders_all AS fr, COALESCE(gross_all, 0) - COALESCE(returned_all, 0) AS mon FROM feat WHERE orders_all >= 1)"
        + " SELECT pkey, 1 + floor(5 * (rank() OVER (ORDER BY rec DESC) - 1) / count(*) OVER ()) AS r,"
        + " 1 + floor(5 * (rank() OVER (ORDER BY fr) - 1) / count(*) OVER ()) AS f,"
        + " 1 + floor(5 * (rank() OVER (ORDER BY mon) - 1) / count(*) OVER ()) AS m FROM x";
    StringBuilder segs = new StringBuilder("[");
    List<Segment> list = segments();
    for (int i = 0; i < list.size(); i++) {
      segs.append(i > 0 ? ", " : "").append("CASE WHEN COALESCE(").append(list.get(i).sql()).append(", false) THEN ").append(i).append(" END");
    }
    segs.append(", ").append(list.size()).append("]");
    String members = "CREATE OR REPLACE TEMP TABLE mem AS SELECT pkey, unnest(list_filter(" + segs + ", lambda q: q IS NOT NULL)) AS seg,"
        + " COALESCE(g, 0) AS g, COALESCE(r, 0) AS r, COALESCE(o, 0) AS o, COALESCE(g, 0) - COALESCE(r, 0) AS net, COALESCE(nr, 0) AS nr,"
        + " COALESCE(ev, 0) AS ev, COALESCE(lt, 0) AS lt, s, last_order, last_session FROM feat LEFT JOIN lin ON lin.k = feat.pkey";
    String pnl = "SELECT seg, count(*) AS members, sum(g), sum(r), sum(o), sum(net), sum(net * net), min(net), max(net), sum(nr), sum(ev), sum(lt) * 0.4,"
        + " count(*) FILTER (WHERE s > 0), count(*) FILTER (WHERE s > 0 AND o > 0), max(last_order), max(last_session) FROM mem GROUP BY seg";
    String overlap = "SELECT a.seg, b.seg, count(*) FROM mem a JOIN mem b ON a.pkey = b.pkey AND a.seg <= b.seg GROUP BY 1, 2";
    return new String[] {features, lines, rfm, members, pnl, overlap};
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "target/bench-1000000"));
    int runs = Integer.parseInt(SegmentBench.arg(args, "--runs", "5"));
    StoreConfig config = StoreConfig.resolve(dir, SegmentBench.arg(args, "--memory-limit", "8GB"), Runtime.getRuntime().availableProcessors(), Map.of());
    Map<String, Rule> rules = new LinkedHashMap<>();
    segments().forEach(s -> rules.put(s.name(), RuleText.parseRule(s.rule())));
    SegmentValue.Options options = options();
    try (Store store = DuckDb.open(config); Connection c = DriverManager.getConnection("jdbc:duckdb:" + config.databaseFile())) {
      System.out.printf("shop: %,d profiles, %,d events%n", store.profiles().stats().profiles(), store.profiles().stats().events());
      // Agreement first.
      SegmentValue.Report report = SegmentValue.analyse(store.audiences(), store.scores(), SegmentBench.AS_OF, rules, options);
      Rfm.Result rfm = Rfm.compute(store.audiences(), SegmentBench.AS_OF, Rfm.Spec.standard());
      Map<String, double[]> theirs = runPeer(c);
      for (SegmentValue.Worth w : report.segments()) {
        double[] t = theirs.get(w.name());
        if (t == null ? w.members() != 0 : (t[0] != w.members() || Math.abs(t[1] - w.grossRevenue()) > 1e-6 * Math.max(1, w.grossRevenue()))) {
          throw new IllegalStateException(w.name() + ": Segmenta " + w.members() + " / " + w.grossRevenue() + ", SQL " + (t == null ? "none" : t[0] + " / " + t[1]));
        }
      }
      long ours55 = rfm.rows().stream().filter(r -> r.r() == 5 && r.f() == 5).count();
      long theirs55 = scalar(c, "SELECT count(*) FROM rfm WHERE r = 5 AND f = 5");
      long scored = scalar(c, "SELECT count(*) FROM rfm");
      if (ours55 != theirs55 || scored != rfm.rows().size()) {
        throw new IllegalStateException("RFM differs: R5F5 " + ours55 + " vs " + theirs55 + ", scored " + rfm.rows().size() + " vs " + scored);
      }
      System.out.printf("agree: 20 segments (members, gross revenue), RFM of %,d customers (%,d with R=5, F=5)%n", scored, ours55);
      double[] a = new double[runs];
      double[] b = new double[runs];
      double[] rfmMs = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        Rfm.compute(store.audiences(), SegmentBench.AS_OF, Rfm.Spec.standard());
        long t1 = System.nanoTime();
        SegmentValue.analyse(store.audiences(), store.scores(), SegmentBench.AS_OF, rules, options);
        a[i] = (System.nanoTime() - t0) / 1e6;
        rfmMs[i] = (t1 - t0) / 1e6;
        t0 = System.nanoTime();
        runPeer(c);
        b[i] = (System.nanoTime() - t0) / 1e6;
        System.out.printf("run %d: segmenta %.0f ms (rfm %.0f), hand-written SQL %.0f ms%n", i + 1, a[i], rfmMs[i], b[i]);
      }
      double ma = SegmentBench.median(a);
      double mb = SegmentBench.median(b);
      System.out.printf("median: segmenta %.0f ms (of which RFM %.0f), hand-written SQL %.0f ms, ratio %.2f (target <= 3000 ms)%n", ma, SegmentBench.median(rfmMs), mb, ma / mb);
    }
  }

  static Map<String, double[]> runPeer(Connection c) throws SQLException {
    String[] sql = peer();
    Map<String, double[]> out = new LinkedHashMap<>();
    try (Statement st = c.createStatement()) {
      for (int i = 0; i < 4; i++) {
        st.execute(sql[i]);
      }
      List<Segment> list = segments();
      try (ResultSet rs = st.executeQuery(sql[4])) {
        while (rs.next()) {
          int seg = rs.getInt(1);
          out.put(seg < list.size() ? list.get(seg).name() : "everyone", new double[] {rs.getLong(2), rs.getDouble(3)});
        }
      }
      List<long[]> overlaps = new ArrayList<>();
      try (ResultSet rs = st.executeQuery(sql[5])) {
        while (rs.next()) {
          overlaps.add(new long[] {rs.getInt(1), rs.getInt(2), rs.getLong(3)});
        }
      }
    }
    return out;
  }

  static long scalar(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
