package io.segmenta.benchspark;

import io.segmenta.bench.SegmentBench;
import io.segmenta.bench.ValueBench;
import io.segmenta.core.pnl.SegmentValue;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.StoreStats;
import io.segmenta.core.rfm.Rfm;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.spark.SparkBatchAudiences;
import io.segmenta.spark.SparkLake;
import io.segmenta.spark.SparkSessions;
import io.segmenta.testkit.ShopGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Spark against DuckDB on one machine (issue 19): SegmentBench's ten segments (counts) and ValueBench's value report
 * (core's {@code SegmentValue} over twenty segments, and RFM) through each engine's {@code Audiences} port, on the
 * same shop: the embedded store and the lake {@code DuckDb.exportParquet} writes from it (exported first when the lake
 * directory has none). Each engine's answers are checked equal before any timing; the first run of each query is
 * reported apart (Spark's includes its analysis, code generation and first read of the files), then the median of the
 * warm runs, interleaved. Spark's time is split by {@link StageClock}: jobs' wall time, task time in the stages that
 * scan files and in those after a shuffle, rows read, shuffle bytes, and the driver's time outside any job.
 *
 * <pre>java -Xmx6g --add-opens=... -cp 'segmenta-bench-spark/target/segmenta-bench-spark-0.1.0-SNAPSHOT.jar:segmenta-bench-spark/target/lib/*' \
 *     io.segmenta.benchspark.SparkBench --data-dir /tmp/bench-1m --lake /tmp/lake-1m --runs 3 --master 'local[2]'</pre>
 * (docs/BENCHMARKS.md has the whole command with Spark's {@code --add-opens} list.)
 */
public final class SparkBench {
  private SparkBench() {}

  /** One query's figures: first and warm (median) on each engine, Spark's mean warm split. */
  record Line(String name, long members, double sparkFirstMs, double duckFirstMs, double sparkMs, double duckMs, StageClock.Spent first,
      StageClock.Spent warm) {}

  public static void main(String[] args) {
    Path data = Path.of(arg(args, "--data-dir", "/tmp/bench-1m"));
    Path lakeDir = Path.of(arg(args, "--lake", "/tmp/lake-1m"));
    int runs = Integer.parseInt(arg(args, "--runs", "3"));
    String master = arg(args, "--master", "local[2]");
    boolean value = Boolean.parseBoolean(arg(args, "--value", "true"));
    boolean segments = Boolean.parseBoolean(arg(args, "--segments", "true"));
    StoreConfig config = StoreConfig.resolve(data, arg(args, "--memory-limit", "3GB"), Integer.parseInt(arg(args, "--threads", "2")), Map.of());
    Instant asOf = ShopGenerator.standard().asOf();
    if (!Files.isRegularFile(lakeDir.resolve("lake.properties"))) {
      long t0 = System.nanoTime();
      Map<String, Long> rows = DuckDb.exportParquet(config, lakeDir);
      System.out.printf("exported the store to %s in %.0f s: %s%n", lakeDir, (System.nanoTime() - t0) / 1e9, rows);
    }
    try (Store store = DuckDb.openReadOnly(config)) {
      StoreStats st = store.profiles().stats();
      long t0 = System.nanoTime();
      SparkSession spark = SparkSessions.start(master);
      StageClock clock = StageClock.on(spark);
      SparkLake lake = SparkLake.open(spark, lakeDir);
      SparkBatchAudiences sparkAudiences = new SparkBatchAudiences(lake, SegmentResolver.NONE);
      System.out.printf("shop: %,d profiles, %,d events, %,d order lines; %d cores; DuckDB threads %d, memory limit %s; Spark %s %s,"
          + " session and lake opened in %.1f s%n", st.profiles(), st.events(), st.orderLines(), Runtime.getRuntime().availableProcessors(),
          config.threads(), config.memoryLimit(), spark.version(), master, (System.nanoTime() - t0) / 1e9);
      List<Line> lines = new ArrayList<>();
      for (Map.Entry<String, String> e : segments ? SegmentBench.rules().entrySet() : Map.<String, String>of().entrySet()) {
        Rule rule = RuleText.parseRule(e.getValue());
        AudienceQuery.Count q = new AudienceQuery.Count(rule, asOf);
        lines.add(line(e.getKey(), runs, clock, () -> sparkAudiences.run(q), () -> store.audiences().run(q), (a, b) -> {
          if (!a.equals(b)) {
            throw new IllegalStateException(e.getKey() + ": Spark finds " + a + " members, DuckDB " + b);
          }
          return a;
        }));
        print(lines.get(lines.size() - 1));
      }
      if (value) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        ValueBench.rules().forEach((name, text) -> rules.put(name, RuleText.parseRule(text)));
        lines.add(line("value report: P&L of 20 segments", runs, clock,
            () -> SegmentValue.analyse(sparkAudiences, store.scores(), asOf, rules, ValueBench.options()),
            () -> SegmentValue.analyse(store.audiences(), store.scores(), asOf, rules, ValueBench.options()), SparkBench::sameReport));
        print(lines.get(lines.size() - 1));
        lines.add(line("value report: RFM", runs, clock, () -> Rfm.compute(sparkAudiences, asOf, Rfm.Spec.standard()),
            () -> Rfm.compute(store.audiences(), asOf, Rfm.Spec.standard()), SparkBench::sameScores));
        print(lines.get(lines.size() - 1));
      }
      report(lines, runs);
    }
  }

  /** What a line's two answers agree on (a count), or the failure that they differ. */
  interface Agreement<T> {
    long check(T spark, T duck);
  }

  static <T> Line line(String name, int runs, StageClock clock, Supplier<T> spark, Supplier<T> duck, Agreement<T> agree) {
    StageClock.Timed<T> first = clock.time(spark);
    long t0 = System.nanoTime();
    T theirs = duck.get();
    double duckFirst = (System.nanoTime() - t0) / 1e6;
    long members = agree.check(first.value(), theirs);
    double[] s = new double[runs];
    double[] d = new double[runs];
    StageClock.Spent warm = StageClock.Spent.NONE;
    for (int i = 0; i < runs; i++) {
      StageClock.Timed<T> t = clock.time(spark);
      s[i] = t.spent().wallMs();
      warm = warm.plus(t.spent());
      t0 = System.nanoTime();
      duck.get();
      d[i] = (System.nanoTime() - t0) / 1e6;
    }
    return new Line(name, members, first.spent().wallMs(), duckFirst, median(s), median(d), first.spent(), warm.over(Math.max(1, runs)));
  }

  static long sameReport(SegmentValue.Report a, SegmentValue.Report b) {
    for (int i = 0; i < b.segments().size(); i++) {
      SegmentValue.Worth x = a.segments().get(i);
      SegmentValue.Worth y = b.segments().get(i);
      if (!x.name().equals(y.name()) || x.members() != y.members() || Math.abs(x.grossRevenue() - y.grossRevenue()) > 1e-6 * Math.max(1, y.grossRevenue())) {
        throw new IllegalStateException("p&l of " + y.name() + ": Spark " + x.members() + " / " + x.grossRevenue() + ", DuckDB " + y.members() + " / " + y.grossRevenue());
      }
    }
    return b.everyone().members();
  }

  /** The same customers with the same R, F and M scores (the raw sums may differ in their last bits: another order of addition). */
  static long sameScores(Rfm.Result a, Rfm.Result b) {
    if (a.rows().size() != b.rows().size()) {
      throw new IllegalStateException("rfm: Spark scores " + a.rows().size() + " customers, DuckDB " + b.rows().size());
    }
    for (int i = 0; i < a.rows().size(); i++) {
      Rfm.Row x = a.rows().get(i);
      Rfm.Row y = b.rows().get(i);
      if (!x.profileId().equals(y.profileId()) || x.r() != y.r() || x.f() != y.f() || x.m() != y.m()) {
        throw new IllegalStateException("rfm: row " + i + " differs: Spark " + x + ", DuckDB " + y);
      }
    }
    return a.rows().size();
  }

  static void print(Line l) {
    StageClock.Spent w = l.warm();
    System.out.printf("%s: %,d; first Spark %.0f ms / DuckDB %.0f ms; warm Spark %.0f ms / DuckDB %.0f ms = %.1fx; Spark warm: jobs %.0f ms"
        + " (%.1f jobs, %.1f stages, %.0f tasks), driver %.0f ms, task time scan %.0f ms + after shuffle %.0f ms (cpu %.0f, gc %.0f,"
        + " shuffle write %.0f), %,.0f rows read (%.1f MB), %.1f MB shuffled; first: jobs %.0f ms, driver %.0f ms%n",
        l.name(), l.members(), l.sparkFirstMs(), l.duckFirstMs(), l.sparkMs(), l.duckMs(), l.sparkMs() / l.duckMs(), w.jobsMs(), w.jobs(), w.stages(),
        w.tasks(), w.driverMs(), w.scanTaskMs(), w.shuffleTaskMs(), w.cpuMs(), w.gcMs(), w.shuffleWriteMs(), w.rowsRead(), w.bytesRead() / 1e6,
        w.shuffleBytes() / 1e6, l.first().jobsMs(), l.first().driverMs());
  }

  static void report(List<Line> lines, int runs) {
    System.out.println();
    System.out.printf("| query | members | Spark first (ms) | DuckDB first (ms) | Spark warm (ms) | DuckDB warm (ms) | ratio warm | Spark warm: driver / scan tasks / after-shuffle tasks / task CPU (ms) | rows read | shuffled (MB) | rows per task CPU second |%n");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|");
    double sparkSegments = 0;
    double duckSegments = 0;
    double sparkFirst = 0;
    double duckFirst = 0;
    double rows = 0;
    double scanMs = 0;
    double cpuMs = 0;
    double driverMs = 0;
    for (Line l : lines) {
      StageClock.Spent w = l.warm();
      System.out.printf("| %s | %,d | %,.0f | %,.0f | %,.0f | %,.0f | %.1f | %,.0f / %,.0f / %,.0f / %,.0f | %,.0f | %.1f | %,.0f |%n", l.name(), l.members(),
          l.sparkFirstMs(), l.duckFirstMs(), l.sparkMs(), l.duckMs(), l.sparkMs() / l.duckMs(), w.driverMs(), w.scanTaskMs(), w.shuffleTaskMs(),
          w.cpuMs(), w.rowsRead(), w.shuffleBytes() / 1e6, w.cpuMs() > 0 ? w.rowsRead() / (w.cpuMs() / 1e3) : 0);
      if (!l.name().startsWith("value report")) {
        sparkSegments += l.sparkMs();
        duckSegments += l.duckMs();
        sparkFirst += l.sparkFirstMs();
        duckFirst += l.duckFirstMs();
        rows += w.rowsRead();
        scanMs += w.scanTaskMs();
        cpuMs += w.cpuMs();
        driverMs += w.driverMs();
      }
    }
    if (sparkSegments == 0) {
      return;
    }
    System.out.printf("%nten segments in total: warm Spark %,.0f ms, DuckDB %,.0f ms, ratio %.1f; first runs Spark %,.0f ms, DuckDB %,.0f ms,"
        + " ratio %.1f; Spark read %,.0f rows at %,.0f rows per scan-task second and %,.0f per task CPU second (all stages), driver %,.0f ms"
        + " (%d warm runs each)%n", sparkSegments, duckSegments, sparkSegments / duckSegments, sparkFirst, duckFirst, sparkFirst / duckFirst, rows,
        rows / (scanMs / 1e3), rows / (cpuMs / 1e3), driverMs, runs);
  }

  static double median(double[] xs) {
    return SegmentBench.median(xs);
  }

  static String arg(String[] args, String name, String fallback) {
    return SegmentBench.arg(args, name, fallback);
  }
}
