package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.ingest.ImportReport;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.Mapping;
import io.segmenta.core.store.Store;
import io.segmenta.core.rfm.QuantileScores;
import io.segmenta.core.rfm.Rfm;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.ml.cluster.KMeans;
import io.segmenta.testkit.SharedData;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online Retail pipeline B (shared/data/REFERENCE_RESULTS.md §1c: vipulshm, "DS Capstone Project Retail")
 * reproduced exactly through Segmenta: its cleaning (no cancellations, exact duplicate rows dropped, known
 * customers, unit price not 0), its definitions (Frequency counts invoice lines; Recency is days from the last
 * purchase to the file's last invoice, plus one), its scoring (pandas qcut quartiles, R reversed; levels by qcut
 * of the summed score).
 */
class RfmPipelineBTest {
  @TempDir
  Path dir;

  static Measure measure(String text) {
    return ((Rule.MeasureRule) RuleText.parseRule(text + " exists")).measure();
  }

  @Test
  void pipelineB_publishedMeansAndLevels() {
    Optional<Path> file = SharedData.find("data/online-retail/online_retail.csv.gz");
    if (file.isEmpty()) {
      System.out.println(SharedData.missing("data/online-retail"));
    }
    assumeTrue(file.isPresent(), SharedData.missing("data/online-retail"));
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "2GB", 2, Map.of()));
        CsvSource src = new CsvSource(file.get(), ',', '"', StandardCharsets.UTF_8, true)) {
      ImportReport r = Importer.run(src, Mapping.withPairs(Mapping.onlineRetail(), List.of("line.dedupe=true")), store.catalog(), store.profiles(), Importer.Options.strict());
      System.out.println(r.notes());
      String clean = " where unit_price != 0";
      // After pipeline B's cleaning: 392,692 lines of 4,338 customers.
      var totals = store.audiences().totals(RuleText.parseRule("count(order_line" + clean + ") >= 1"), Instant.parse("2012-01-01T00:00:00Z"),
          List.of(measure("count(order_line" + clean + ")")));
      assertEquals(4_338, totals.members());
      assertEquals(392_692.0, totals.sums().get(0));

      // Recency + 1 day: evaluate a day after the last invoice (2011-12-09 12:50).
      Instant asOf = Instant.parse("2011-12-10T12:50:00Z");
      Rfm.Spec spec = new Rfm.Spec(measure("days_since(order_line" + clean + ")"), measure("count(order_line" + clean + ")"),
          measure("sum(order_line.line_total" + clean + ")"), RuleText.parseRule("count(order_line" + clean + ") >= 1"), 4, QuantileScores.Method.QCUT);
      Rfm.Result result = Rfm.compute(store.audiences(), asOf, spec);
      List<Rfm.Row> rows = result.rows();
      assertEquals(4_338, rows.size());
      assertEquals(2_048.688081, round6(rows.stream().mapToDouble(Rfm.Row::monetary).average().orElseThrow()));
      assertEquals(90.523744, round6(rows.stream().mapToDouble(Rfm.Row::frequency).average().orElseThrow()));
      assertEquals(92.536422, round6(rows.stream().mapToDouble(Rfm.Row::recency).average().orElseThrow()));
      var published = rows.stream().filter(x -> x.profileId().equals("12346")).findFirst().orElseThrow();
      assertEquals(77_183.60, Math.round(published.monetary() * 100) / 100.0);
      assertEquals(1, published.frequency());
      assertEquals(326, published.recency());

      double[] sums = rows.stream().mapToDouble(x -> x.r() + x.f() + x.m()).toArray();
      int[] level = QuantileScores.scores(sums, 4, QuantileScores.Method.QCUT);
      String[] names = {"Bronze", "Silver", "Gold", "Platinum"};
      double[][] expected = {
          {266.505704, 15.060606, 192.165501, 1_287},
          {789.257001, 32.959783, 87.686957, 920},
          {1_597.725141, 81.236476, 47.848532, 1_294},
          {6_870.541553, 284.188769, 13.761051, 837}};
      for (int l = 0; l < 4; l++) {
        double m = 0;
        double f = 0;
        double rec = 0;
        int n = 0;
        for (int i = 0; i < rows.size(); i++) {
          if (level[i] == l + 1) {
            m += rows.get(i).monetary();
            f += rows.get(i).frequency();
            rec += rows.get(i).recency();
            n++;
          }
        }
        assertEquals((int) expected[l][3], n, names[l] + " size");
        assertEquals(expected[l][0], round6(m / n), names[l] + " monetary");
        assertEquals(expected[l][1], round6(f / n), names[l] + " frequency");
        assertEquals(expected[l][2], round6(rec / n), names[l] + " recency");
      }

      // The pipeline's clustering: log(R, F, M), standardised (population deviation, as StandardScaler), k-means
      // for k = 1..9. Published inertias are sklearn's (it stops at tol = 1e-4); ours run to convergence.
      double[][] x = new double[rows.size()][3];
      for (int i = 0; i < rows.size(); i++) {
        x[i] = new double[] {Math.log(rows.get(i).recency()), Math.log(rows.get(i).frequency()), Math.log(rows.get(i).monetary())};
      }
      for (int j = 0; j < 3; j++) {
        double mean = 0;
        for (double[] v : x) {
          mean += v[j] / x.length;
        }
        double var = 0;
        for (double[] v : x) {
          var += (v[j] - mean) * (v[j] - mean) / x.length;
        }
        double sd = Math.sqrt(var);
        for (double[] v : x) {
          v[j] = (v[j] - mean) / sd;
        }
      }
      double[] inertia = {13_014.00, 6_883.68, 5_314.62, 4_440.19, 3_766.38, 3_366.85, 3_046.74, 2_802.38, 2_629.64};
      for (int k = 1; k <= 9; k++) {
        double ours = KMeans.fit(x, k, 42, 10, 300).inertia();
        assertEquals(inertia[k - 1], ours, 0.001 * inertia[k - 1], "inertia at k = " + k);
      }
    }
  }

  static double round6(double v) {
    return new BigDecimal(v).setScale(6, RoundingMode.HALF_UP).doubleValue();
  }
}
