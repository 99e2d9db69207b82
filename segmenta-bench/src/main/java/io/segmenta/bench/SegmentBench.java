package io.segmenta.bench;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.store.Store;
import io.segmenta.core.port.StoreStats;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.ShopGenerator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * End-to-end segment benchmark: ten standard segments mixing trait and behavioral window conditions on the
 * synthetic shop, each timed through Segmenta (rule → SQL → count) and as a hand-written DuckDB query that gives
 * the same members, interleaved in the same run on the same database. Reports medians and the ratio.
 *
 * <pre>java -Xmx12g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.SegmentBench --customers 1000000 --data-dir target/bench-1m --runs 7</pre>
 */
public final class SegmentBench {
  /** As of the end of the synthetic shop's history. */
  static final Instant AS_OF = ShopGenerator.standard().asOf();

  record Case(String name, String rule, String sql) {}

  /** Windows in the hand-written SQL are the same instants Segmenta computes: as-of minus N, and as-of itself. */
  static List<Case> cases() {
    String asOf = "TIMESTAMP '2025-06-30 23:00:00'";
    String d30 = "TIMESTAMP '2025-05-31 23:00:00'";
    String d60 = "TIMESTAMP '2025-05-01 23:00:00'";
    String d90 = "TIMESTAMP '2025-04-01 23:00:00'";
    String d180 = "TIMESTAMP '2025-01-01 23:00:00'";
    String d365 = "TIMESTAMP '2024-06-30 23:00:00'";
    String win = " AND ts <= " + asOf;
    return List.of(
        new Case("dk-repeat-buyers", "country = \"DK\" and count(order in last 90 days) >= 2",
            "SELECT p.pkey FROM profiles p JOIN (SELECT pkey FROM events WHERE type = 'order' AND ts >= " + d90 + win
                + " GROUP BY pkey HAVING count(*) >= 2) o ON o.pkey = p.pkey WHERE p.country = 'DK'"),
        new Case("young-spenders", "age between 18 and 30 and sum(order.revenue in last 365 days) > 500",
            "SELECT p.pkey FROM profiles p JOIN (SELECT pkey FROM events WHERE type = 'order' AND ts >= " + d365 + win
                + " GROUP BY pkey HAVING sum(revenue) > 500) o ON o.pkey = p.pkey WHERE p.age BETWEEN 18 AND 30"),
        new Case("lapsed-pensioners", "occupation = \"retired\" and days_since(order) > 180",
            "SELECT p.pkey FROM profiles p JOIN (SELECT pkey, max(ts) AS last FROM events WHERE type = 'order'" + win
                + " GROUP BY pkey) o ON o.pkey = p.pkey WHERE p.occupation = 'retired' AND (epoch_us(" + asOf + ") - epoch_us(o.last)) // 86400000000 > 180"),
        new Case("tech-browsers", "interests contains \"technology\" and count(product_view where category = \"electronics\" in last 30 days) >= 1",
            "SELECT p.pkey FROM profiles p WHERE list_contains(p.interests, 'technology') AND p.pkey IN (SELECT pkey FROM events WHERE type = 'product_view'"
                + " AND category = 'electronics' AND ts >= " + d30 + win + ")"),
        new Case("high-returners", "sum(return.value in last 365 days) / sum(order.revenue in last 365 days) > 0.85 and count(order in last 365 days) >= 2",
            "SELECT pkey FROM events WHERE type IN ('order', 'return') AND ts >= " + d365 + win + " GROUP BY pkey"
                + " HAVING count(*) FILTER (WHERE type = 'order') >= 2 AND sum(value) FILTER (WHERE type = 'return') / NULLIF(sum(revenue) FILTER (WHERE type = 'order'), 0) > 0.85"),
        new Case("social-mobile", "count(session where traffic_source = \"social\" in last 60 days) >= 1 and devices contains \"mobile\"",
            "SELECT p.pkey FROM profiles p WHERE list_contains(p.devices, 'mobile') AND p.pkey IN (SELECT pkey FROM events WHERE type = 'session'"
                + " AND traffic_source = 'social' AND ts >= " + d60 + win + ")"),
        new Case("families-buying-kids", "has_children = true and count(order_line where category = \"kids\" in last 180 days) >= 2",
            "SELECT p.pkey FROM profiles p JOIN (SELECT pkey FROM order_lines WHERE event_type = 'order' AND category = 'kids' AND ts >= " + d180 + win
                + " GROUP BY pkey HAVING count(*) >= 2) l ON l.pkey = p.pkey WHERE p.has_children"),
        new Case("affluent-luxury", "income >= 90000 and avg(order_line.unit_price in last 365 days) > 150",
            "SELECT p.pkey FROM profiles p JOIN (SELECT pkey FROM order_lines WHERE event_type = 'order' AND ts >= " + d365 + win
                + " GROUP BY pkey HAVING avg(unit_price) > 150) l ON l.pkey = p.pkey WHERE p.income >= 90000"),
        new Case("discount-hunters-outside-oslo", "count(order where discount > 0 in last 365 days) >= 2 and not (city in [\"Oslo\", \"Bergen\"])",
            "SELECT p.pkey FROM profiles p JOIN (SELECT pkey FROM events WHERE type = 'order' AND discount > 0 AND ts >= " + d365 + win
                + " GROUP BY pkey HAVING count(*) >= 2) o ON o.pkey = p.pkey WHERE p.city IS NULL OR p.city NOT IN ('Oslo', 'Bergen')"),
        new Case("quiet-recent-buyers", "count(email_opened in last 30 days) = 0 and count(order in last 365 days) >= 1 and signup_date < 2024-07-01",
            "SELECT p.pkey FROM profiles p JOIN (SELECT pkey FROM events WHERE type IN ('order', 'email_opened') AND ts >= " + d365 + win + " GROUP BY pkey"
                + " HAVING count(*) FILTER (WHERE type = 'order') >= 1 AND count(*) FILTER (WHERE type = 'email_opened' AND ts >= " + d30 + ") = 0) o"
                + " ON o.pkey = p.pkey WHERE p.signup_date < TIMESTAMP '2024-07-01 00:00:00'"));
  }

  /** The ten segments' rule texts by name, in order: other benchmarks (SparkBench) time the same ten. */
  public static Map<String, String> rules() {
    Map<String, String> out = new LinkedHashMap<>();
    cases().forEach(k -> out.put(k.name(), k.rule()));
    return out;
  }

  public static void main(String[] args) throws Exception {
    int customers = Integer.parseInt(arg(args, "--customers", "1000000"));
    Path dir = Path.of(arg(args, "--data-dir", "target/bench-" + customers));
    int runs = Integer.parseInt(arg(args, "--runs", "7"));
    String threads = arg(args, "--threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    StoreConfig config = StoreConfig.resolve(dir, arg(args, "--memory-limit", "8GB"), Integer.parseInt(threads), Map.of());
    try (Store store = DuckDb.open(config)) {
      load(store, customers);
      StoreStats st = store.profiles().stats();
      System.out.printf("shop: %,d profiles, %,d events, %,d order lines; %s cores, DuckDB threads %s, memory limit %s%n",
          st.profiles(), st.events(), st.orderLines(), Runtime.getRuntime().availableProcessors(), threads, config.memoryLimit());
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + config.databaseFile())) {
        run(store, c, runs);
      }
    }
  }

  static void load(Store store, int customers) {
    long have = store.profiles().stats().profiles();
    if (have == customers) {
      return;
    }
    if (have != 0) {
      throw new IllegalStateException("the bench database holds " + have + " profiles, not " + customers + "; remove it first");
    }
    long t0 = System.nanoTime();
    int step = 50_000;
    ShopGenerator shop = ShopGenerator.standard();
    for (int from = 0; from < customers; from += step) {
      int to = Math.min(customers, from + step);
      shop.generate(from, to, step, store.profiles()::write);
      System.out.printf("loaded %,d / %,d customers (%.0f s)%n", to, customers, (System.nanoTime() - t0) / 1e9);
    }
  }

  static void run(Store store, Connection c, int runs) throws SQLException {
    List<String> rows = new ArrayList<>();
    rows.add("| segment | members | Segmenta median (ms) | hand-written SQL median (ms) | ratio |");
    rows.add("|---|---:|---:|---:|---:|");
    double worstRatio = 0;
    double worstMs = 0;
    for (Case k : cases()) {
      Rule rule = RuleText.parseRule(k.rule());
      long members = store.audiences().run(new AudienceQuery.Count(rule, AS_OF));
      long hand = count(c, k.sql());
      if (members != hand) {
        throw new IllegalStateException(k.name() + ": Segmenta finds " + members + " members, the hand-written SQL " + hand);
      }
      double[] ours = new double[runs];
      double[] theirs = new double[runs];
      count(c, k.sql());
      store.audiences().run(new AudienceQuery.Count(rule, AS_OF));
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        store.audiences().run(new AudienceQuery.Count(rule, AS_OF));
        ours[i] = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        count(c, k.sql());
        theirs[i] = (System.nanoTime() - t0) / 1e6;
      }
      double a = median(ours);
      double b = median(theirs);
      worstRatio = Math.max(worstRatio, a / b);
      worstMs = Math.max(worstMs, a);
      rows.add(String.format("| %s | %,d | %.0f | %.0f | %.2f |", k.name(), members, a, b, a / b));
      System.out.println(rows.get(rows.size() - 1));
    }
    System.out.println();
    rows.forEach(System.out::println);
    System.out.printf("%nslowest segment %.0f ms (target <= 1000), worst ratio %.2f (target <= 1.25)%n", worstMs, worstRatio);
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + sql + ")")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The median of {@code xs}; NaN for none. */
  public static double median(double[] xs) {
    if (xs.length == 0) {
      return Double.NaN;
    }
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** The value after {@code name} among the arguments, or {@code fallback}. */
  public static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  private SegmentBench() {}
}
