package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.conversion.Conversions;
import io.segmenta.core.pnl.Margins;
import io.segmenta.core.pnl.SegmentValue;
import io.segmenta.core.port.PurchaseDays;
import io.segmenta.core.rfm.QuantileScores;
import io.segmenta.core.rfm.Rfm;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.ml.clv.ClvScoring;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch features on Spark give DuckDB's answers: core's own RFM, segment P&amp;L, conversions, cohorts and CLV
 * summaries, run once over the embedded store's ports and once over Spark's ({@link SparkBatchAudiences},
 * {@link SparkActivity}) on the same seeded shop exported to a lake, agree member for member and figure for figure
 * (numbers to 1e-9 relative: sums taken in another order).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkBatchFeaturesTest {
  private static final int CUSTOMERS = 300;
  private static final Instant AS_OF = RandomShop.END.plusSeconds(86_400);
  private static final Instant MID = Instant.parse("2025-01-15T10:30:00Z");

  @TempDir
  static Path dir;
  private Store store;
  private SparkLake lake;
  private SparkBatchAudiences spark;
  private SparkActivity activity;

  @BeforeAll
  void load() {
    StoreConfig config = StoreConfig.resolve(dir.resolve("data"), "512MB", 2, Map.of());
    try (Store s = DuckDb.open(config)) {
      s.profiles().write(new RandomShop(11).data(CUSTOMERS));
    }
    DuckDb.exportParquet(config, dir.resolve("lake"));
    store = DuckDb.openReadOnly(config);
    lake = SparkLake.open(SharedSpark.get(), dir.resolve("lake"));
    spark = new SparkBatchAudiences(lake, SegmentResolver.NONE);
    activity = new SparkActivity(lake);
  }

  @AfterAll
  void close() {
    store.close();
  }

  @Test
  void rfm_standardQuartilesAndAPeriod_sameRowsAsDuckDb() {
    for (Instant asOf : List.of(AS_OF, MID)) {
      for (Rfm.Spec spec : List.of(Rfm.Spec.standard(), Rfm.Spec.over("in last 180 days"),
          new Rfm.Spec(Rfm.Spec.standard().recency(), Rfm.Spec.standard().frequency(), Rfm.Spec.standard().monetary(),
              Rfm.Spec.standard().universe(), 4, QuantileScores.Method.RANK))) {
        Rfm.Result expected = Rfm.compute(store.audiences(), asOf, spec);
        Rfm.Result actual = Rfm.compute(spark, asOf, spec);
        assertTrue(expected.rows().size() > CUSTOMERS / 10, "too few scored: " + expected.rows().size());
        Close.assertClose(expected.rows(), actual.rows(), "rfm at " + asOf);
        assertEquals(expected.groupSizes(), actual.groupSizes());
      }
    }
  }

  private Map<String, Rule> segments() {
    Map<String, Rule> out = new LinkedHashMap<>();
    out.put("repeat", RuleText.parseRule("count(order) >= 2"));
    out.put("big spenders", RuleText.parseRule("sum(order.revenue) > 300"));
    out.put("returners", RuleText.parseRule("count(return) >= 1"));
    out.put("recent", RuleText.parseRule("count(order in last 90 days) >= 1"));
    RandomShop random = new RandomShop(424242);
    for (int i = 0; i < 4; i++) {
      out.put("random " + i, random.rule());
    }
    return out;
  }

  @Test
  void segmentValue_withAndWithoutMargins_sameReportAsDuckDb() {
    for (SegmentValue.Options o : List.of(SegmentValue.Options.standard(), SegmentValue.Options.standard().withWindow("in last 365 days"),
        SegmentValue.Options.standard().withMargins(new Margins(0.3, Map.of("shoes", 0.45, "books", 0.2), 4.5)))) {
      SegmentValue.Report expected = SegmentValue.analyse(store.audiences(), store.scores(), AS_OF, segments(), o);
      SegmentValue.Report actual = SegmentValue.analyse(spark, store.scores(), AS_OF, segments(), o);
      assertTrue(expected.everyone().netRevenue() > 0, "the shop sells nothing");
      Close.assertClose(expected, actual, "p&l " + o.window());
    }
  }

  @Test
  void segmentTotals_overlapsAndSpread_sameAsDuckDb() {
    var measures = List.of(((Rule.MeasureRule) RuleText.parseRule("sum(order.revenue) > 0")).measure(),
        ((Rule.MeasureRule) RuleText.parseRule("days_since(order) > 0")).measure());
    var expected = store.audiences().segmentTotals(segments(), MID, measures, List.of());
    var actual = spark.segmentTotals(segments(), MID, measures, List.of());
    Close.assertClose(expected, actual, "segment totals");
    Close.assertClose(store.audiences().totals(segments().get("repeat"), MID, measures),
        spark.totals(segments().get("repeat"), MID, measures), "totals");
  }

  @Test
  void conversions_monthlyOverTwoMonths_sameReportAsDuckDb() {
    Rule.MeasureRule goal = Conversions.goal("count(order) >= 1");
    Instant from = Instant.parse("2025-02-01T00:00:00Z");
    Instant to = Instant.parse("2025-04-01T00:00:00Z");
    // Two months and two segments: each period is a few key queries, each a Spark job.
    Map<String, Rule> two = new LinkedHashMap<>();
    two.put("repeat", segments().get("repeat"));
    two.put("random 0", segments().get("random 0"));
    Conversions.Report expected = Conversions.track(store.audiences(), goal, two, from, to, Conversions.Period.MONTH);
    Conversions.Report actual = Conversions.track(spark, goal, two, from, to, Conversions.Period.MONTH);
    assertTrue(expected.whole().get(0).converters() > 0, "nobody converted");
    Close.assertClose(expected, actual, "conversions");
  }

  @Test
  void cohortsAndPurchaseDays_sameAsDuckDb() {
    for (Instant asOf : List.of(MID)) {
      var expected = store.activity().cohorts("order", asOf);
      assertTrue(expected.size() > 10, "few cohort cells: " + expected.size());
      assertEquals(expected, activity.cohorts("order", asOf));
      List<PurchaseDays> ours = new ArrayList<>();
      List<PurchaseDays> theirs = new ArrayList<>();
      store.activity().purchaseDays("order", "revenue", asOf, ours::add);
      activity.purchaseDays("order", "revenue", asOf, theirs::add);
      assertTrue(ours.size() > CUSTOMERS / 10, "few buyers: " + ours.size());
      Close.assertClose(ours, theirs, "purchase days at " + asOf);
      var options = new ClvScoring.Options("order", "revenue", 7, 26 * 7);
      Close.assertClose(ClvScoring.summaries(store.activity(), asOf, options), ClvScoring.summaries(activity, asOf, options), "clv summaries");
    }
  }
}
