package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.ingest.ImportReport;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.Mapping;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.ml.clv.BgNbd;
import io.segmenta.ml.clv.ClvScoring;
import io.segmenta.ml.clv.PurchaseSummary;
import io.segmenta.testkit.SharedData;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CDNOW from the raw purchase file: imported through a mapping, summarised by the store (purchase days, same-day
 * purchases merged, to the end of the 39-week calibration period), the summaries equal the published ones, the
 * fit gives the published parameters, and the scores are usable in rules.
 */
class ClvThroughSegmentaTest {
  private static final Instant CALIBRATION_END = Instant.parse("1997-09-30T00:00:00Z");

  @TempDir
  Path dir;

  /**
   * Rounds half-up at two decimals as the published file does on exact decimals: the binary noise of a double
   * (18.135 is held as 18.134999999999998) is removed first, at nine decimals.
   */
  static double cents(double v) {
    return new BigDecimal(v).setScale(9, RoundingMode.HALF_UP).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }

  @Test
  void importSummariseFitAndScore() throws Exception {
    var raw = SharedData.find("data/cdnow/CDNOW_sample.txt");
    var published = SharedData.find("data/cdnow/cdnow_customers_summary_with_transactions.csv");
    if (raw.isEmpty() || published.isEmpty()) {
      System.out.println(SharedData.missing("data/cdnow"));
    }
    assumeTrue(raw.isPresent() && published.isPresent(), SharedData.missing("data/cdnow"));
    Mapping m = Mapping.parse("cdnow.map", String.join("\n",
        "target = events", "type = order", "id = @line", "profile = column2", "timestamp = column3",
        "timestamp.format = yyyyMMdd", "property.items = column4", "property.revenue = column5"));
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
        CsvSource src = new CsvSource(raw.get(), CsvSource.WHITESPACE, '"', StandardCharsets.UTF_8, false)) {
      ImportReport r = Importer.run(src, m, store.catalog(), store.profiles(), Importer.Options.strict());
      assertEquals(6_919, r.accepted());
      assertEquals(2_357, store.profiles().stats().profiles());
      double total = store.audiences().totals(RuleText.parseRule("orders >= 0"), Instant.parse("1999-01-01T00:00:00Z"),
          List.of(((Rule.MeasureRule) RuleText.parseRule("sum(order.revenue) > 0")).measure())).sums().get(0);
      assertEquals(244_091.94, Math.round(total * 100) / 100.0, "the file's total value");

      List<PurchaseSummary> ours = ClvScoring.summaries(store.activity(), CALIBRATION_END, new ClvScoring.Options("order", "revenue", 7, 39 * 7));
      Map<Integer, String[]> expected = new HashMap<>();
      List<String> lines = Files.readAllLines(published.get());
      for (String l : lines.subList(1, lines.size())) {
        String[] c = l.split(",");
        expected.put(Integer.parseInt(c[0]), c);
      }
      assertEquals(2_357, ours.size(), "every customer bought in the calibration period (they were acquired in it)");
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

      ClvScoring.Result result = ClvScoring.score(store.activity(), store.scores(), CALIBRATION_END, new ClvScoring.Options("order", "revenue", 7, 39 * 7), Clock.systemUTC());
      assertEquals(2_357, result.scored());
      assertEquals(CALIBRATION_END, store.scores().scoredAt("clv_p_alive").orElseThrow());
      long risky = store.audiences().run(new AudienceQuery.Count(RuleText.parseRule("clv_churn_risk > 0.5"), CALIBRATION_END));
      long everyone = store.audiences().run(new AudienceQuery.Count(RuleText.parseRule("clv_p_alive exists"), CALIBRATION_END));
      assertEquals(2_357, everyone);
      assertTrue(risky > 100 && risky < everyone, "some, not all, customers are likely gone: " + risky);
    }
  }
}
