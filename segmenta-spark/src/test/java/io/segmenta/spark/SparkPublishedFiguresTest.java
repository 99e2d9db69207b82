package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.Mapping;
import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.rfm.QuantileScores;
import io.segmenta.core.rfm.Rfm;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.ml.clv.BgNbd;
import io.segmenta.ml.clv.ClvScoring;
import io.segmenta.ml.clv.PurchaseSummary;
import io.segmenta.testkit.SharedData;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published figures on Spark (shared/data/REFERENCE_RESULTS.md): the files are imported into the embedded
 * store as its own tests do ({@code ClvThroughSegmentaTest}, {@code RfmPipelineBTest}), exported to a lake, and
 * core's code computes the figures over Spark's ports, held to the published values (not to DuckDB's: the same
 * literals the DuckDB tests hold). Skipped, saying so, when /work/shared's data is absent.
 */
class SparkPublishedFiguresTest {
  private static final Instant CALIBRATION_END = Instant.parse("1997-09-30T00:00:00Z");

  @TempDir
  Path dir;

  static double cents(double v) {
    return new BigDecimal(v).setScale(9, RoundingMode.HALF_UP).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }

  static double round6(double v) {
    return new BigDecimal(v).setScale(6, RoundingMode.HALF_UP).doubleValue();
  }

  static Measure measure(String text) {
    return ((Rule.MeasureRule) RuleText.parseRule(text + " exists")).measure();
  }

  @Test
  void cdnow_summariesAndFit_published() throws Exception {
    var raw = SharedData.find("data/cdnow/CDNOW_sample.txt");
    var published = SharedData.find("data/cdnow/cdnow_customers_summary_with_transactions.csv");
    if (raw.isEmpty() || published.isEmpty()) {
      System.out.println(SharedData.missing("data/cdnow"));
    }
    assumeTrue(raw.isPresent() && published.isPresent(), SharedData.missing("data/cdnow"));
    Mapping m = Mapping.parse("cdnow.map", String.join("\n",
        "target = events", "type = order", "id = @line", "profile = column2", "timestamp = column3",
        "timestamp.format = yyyyMMdd", "property.items = column4", "property.revenue = column5"));
    StoreConfig config = StoreConfig.resolve(dir.resolve("data"), "1GB", 2, Map.of());
    try (Store store = DuckDb.open(config);
        CsvSource src = new CsvSource(raw.get(), CsvSource.WHITESPACE, '"', StandardCharsets.UTF_8, false)) {
      assertEquals(6_919, Importer.run(src, m, store.catalog(), store.profiles(), Importer.Options.strict()).accepted());
    }
    DuckDb.exportParquet(config, dir.resolve("lake"));
    SparkLake lake = SparkLake.open(SharedSpark.get(), dir.resolve("lake"));
    double total = new SparkBatchAudiences(lake, SegmentResolver.NONE).totals(RuleText.parseRule("orders >= 0"), Instant.parse("1999-01-01T00:00:00Z"),
        List.of(measure("sum(order.revenue)"))).sums().get(0);
    assertEquals(244_091.94, Math.round(total * 100) / 100.0, "the file's total value");

    List<PurchaseSummary> ours = ClvScoring.summaries(new SparkActivity(lake), CALIBRATION_END, new ClvScoring.Options("order", "revenue", 7, 39 * 7));
    Map<Integer, String[]> expected = new HashMap<>();
    List<String> lines = Files.readAllLines(published.get());
    for (String l : lines.subList(1, lines.size())) {
      String[] c = l.split(",");
      expected.put(Integer.parseInt(c[0]), c);
    }
    assertEquals(2_357, ours.size());
    for (PurchaseSummary s : ours) {
      String[] e = expected.get(Integer.parseInt(s.profileId()));
      String who = "customer " + s.profileId();
      assertEquals(Integer.parseInt(e[1]), s.x(), who + " x");
      assertEquals(Double.parseDouble(e[2]), cents(s.tx()), who + " t_x");
      assertEquals(Double.parseDouble(e[3]), cents(s.T()), who + " T");
      assertEquals(Double.parseDouble(e[4]), cents(s.mbar()), who + " zbar");
    }
    BgNbd bg = BgNbd.fit(ours).fitted().orElseThrow();
    assertEquals(0.243, Math.round(bg.r() * 1000) / 1000.0);
    assertEquals(4.414, Math.round(bg.alpha() * 1000) / 1000.0);
    assertEquals(0.793, Math.round(bg.a() * 1000) / 1000.0);
    assertEquals(2.426, Math.round(bg.b() * 1000) / 1000.0);
  }

  @Test
  void onlineRetail_pipelineB_publishedMeansAndLevels() {
    Optional<Path> file = SharedData.find("data/online-retail/online_retail.csv.gz");
    if (file.isEmpty()) {
      System.out.println(SharedData.missing("data/online-retail"));
    }
    assumeTrue(file.isPresent(), SharedData.missing("data/online-retail"));
    StoreConfig config = StoreConfig.resolve(dir.resolve("data"), "2GB", 2, Map.of());
    try (Store store = DuckDb.open(config);
        CsvSource src = new CsvSource(file.get(), ',', '"', StandardCharsets.UTF_8, true)) {
      Importer.run(src, Mapping.withPairs(Mapping.onlineRetail(), List.of("line.dedupe=true")), store.catalog(), store.profiles(), Importer.Options.strict());
    }
    DuckDb.exportParquet(config, dir.resolve("lake"));
    SparkBatchAudiences spark = new SparkBatchAudiences(SparkLake.open(SharedSpark.get(), dir.resolve("lake")), SegmentResolver.NONE);
    String clean = " where unit_price != 0";
    Instant asOf = Instant.parse("2011-12-10T12:50:00Z");
    Rfm.Spec spec = new Rfm.Spec(measure("days_since(order_line" + clean + ")"), measure("count(order_line" + clean + ")"),
        measure("sum(order_line.line_total" + clean + ")"), RuleText.parseRule("count(order_line" + clean + ") >= 1"), 4, QuantileScores.Method.QCUT);
    List<Rfm.Row> rows = Rfm.compute(spark, asOf, spec).rows();
    assertEquals(4_338, rows.size());
    assertEquals(392_692.0, rows.stream().mapToDouble(Rfm.Row::frequency).sum(), "lines after pipeline B's cleaning");
    assertEquals(2_048.688081, round6(rows.stream().mapToDouble(Rfm.Row::monetary).average().orElseThrow()));
    assertEquals(90.523744, round6(rows.stream().mapToDouble(Rfm.Row::frequency).average().orElseThrow()));
    assertEquals(92.536422, round6(rows.stream().mapToDouble(Rfm.Row::recency).average().orElseThrow()));
    Rfm.Row first = rows.stream().filter(x -> x.profileId().equals("12346")).findFirst().orElseThrow();
    assertEquals(77_183.60, Math.round(first.monetary() * 100) / 100.0);
    assertEquals(1, first.frequency());
    assertEquals(326, first.recency());
    int[] level = QuantileScores.scores(rows.stream().mapToDouble(x -> x.r() + x.f() + x.m()).toArray(), 4, QuantileScores.Method.QCUT);
    String[] names = {"Bronze", "Silver", "Gold", "Platinum"};
    double[][] expected = {
        {266.505704, 15.060606, 192.165501, 1_287},
        {789.257001, 32.959783, 87.686957, 920},
        {1_597.725141, 81.236476, 47.848532, 1_294},
        {6_870.541553, 284.188769, 13.761051, 837}};
    for (int l = 0; l < 4; l++) {
      double mon = 0;
      double f = 0;
      double rec = 0;
      int n = 0;
      for (int i = 0; i < rows.size(); i++) {
        if (level[i] == l + 1) {
          mon += rows.get(i).monetary();
          f += rows.get(i).frequency();
          rec += rows.get(i).recency();
          n++;
        }
      }
      assertEquals((int) expected[l][3], n, names[l] + " size");
      assertEquals(expected[l][0], round6(mon / n), names[l] + " monetary");
      assertEquals(expected[l][1], round6(f / n), names[l] + " frequency");
      assertEquals(expected[l][2], round6(rec / n), names[l] + " recency");
    }
  }
}
