package io.segmenta.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.port.ExperimentData;
import io.segmenta.stats.SampleRatioMismatch;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The analysis on sufficient statistics given by hand. Golden p-values computed outside Java: the pooled z test
 * with z = (p_B - p_A) / sqrt(p (1 - p) (1/n_A + 1/n_B)), p = erfc(|z| / sqrt 2); the split check with the
 * one-degree chi-square, p = erfc(sqrt(x / 2)).
 */
class AnalysisTest {
  static final Instant AS_OF = Instant.parse("2025-06-30T00:00:00Z");
  static final Experiment EXPERIMENT = ExperimentJson.parse("{\"key\": \"t\", \"variants\": [\"control\", \"treatment\"],"
      + " \"metrics\": [\"purchase = count(order) >= 1\", \"revenue = sum(order.revenue)\"]}");

  /** Units and conversions per arm; revenue sums chosen so the mean metric has variance. */
  static ExperimentData data(long nA, long xA, long nB, long xB) {
    return new ExperimentData(List.of(), List.of(
        new ExperimentData.Cell(null, "control", nA, List.of(sums(xA, xA), sums(5.0 * nA, 100.0 * nA))),
        new ExperimentData.Cell(null, "treatment", nB, List.of(sums(xB, xB), sums(5.6 * nB, 110.0 * nB)))), 0);
  }

  static ExperimentData.Sums sums(double sum, double squares) {
    return new ExperimentData.Sums(sum, squares, 0, 0, 0);
  }

  static Analysis.Comparison comparison(Analysis.Report r, String metric) {
    return r.comparisons().stream().filter(c -> c.metric().equals(metric) && c.segment() == null).findFirst().orElseThrow();
  }

  @Nested
  class BinaryMetric {
    @Test
    void analyse_conversionIsDecidedByThePooledZTest() {
      Analysis.Report r = Analysis.analyse(EXPERIMENT, data(1000, 100, 1000, 130), AS_OF, AS_OF, Analysis.Options.DEFAULT);
      Analysis.Comparison c = comparison(r, "purchase");
      assertEquals(Analysis.Method.POOLED_Z, c.method());
      assertEquals(2.10274, c.zTest().z(), 5e-6);
      assertEquals(0.03549, c.pValue(), 5e-6);
      assertEquals(c.pValue(), c.pAdjusted(), "the overall row is not corrected");
      assertTrue(c.significant() && c.better());
      assertEquals(0.3, c.test().estimate(), 1e-12, "the lift and its interval stay the delta method's");
      assertTrue(r.summary().stream().anyMatch(s -> s.startsWith("purchase:") && s.contains("pooled z p = 0.0355")), r.summary().toString());
    }

    @Test
    void analyse_meanMetricKeepsWelch() {
      Analysis.Comparison c = comparison(Analysis.analyse(EXPERIMENT, data(1000, 100, 1000, 130), AS_OF, AS_OF, Analysis.Options.DEFAULT), "revenue");
      assertEquals(Analysis.Method.WELCH_T, c.method());
      assertEquals(c.test().pValue(), c.pValue());
    }

    @Test
    void analyse_sequentialOverridesTheFixedHorizonZ() {
      Analysis.Options o = new Analysis.Options(0.05, true, 5000, Analysis.Correction.HOLM, 0.10);
      Analysis.Comparison c = comparison(Analysis.analyse(EXPERIMENT, data(1000, 100, 1000, 130), AS_OF, AS_OF, o), "purchase");
      assertEquals(Analysis.Method.SEQUENTIAL, c.method(), "a fixed-horizon z test is not safe to peek at");
      assertEquals(c.test().pValue(), c.pValue());
    }

    @Test
    void analyse_noConversionsAnywhereIsADiagnosticNotAnException() {
      Analysis.Comparison c = comparison(Analysis.analyse(EXPERIMENT, data(1000, 0, 1000, 0), AS_OF, AS_OF, Analysis.Options.DEFAULT), "purchase");
      assertTrue(Double.isNaN(c.pValue()));
      assertFalse(c.significant());
      assertTrue(c.warnings().stream().anyMatch(w -> w.contains("same outcome")), c.warnings().toString());
    }
  }

  @Nested
  class SplitCheck {
    @Test
    void analyse_watchBandIsSaidInTheSummary() {
      Analysis.Report r = Analysis.analyse(EXPERIMENT, data(5000, 500, 5300, 600), AS_OF, AS_OF, Analysis.Options.DEFAULT);
      assertEquals(0.00312, r.srm().pValue(), 5e-6);
      assertEquals(SampleRatioMismatch.Verdict.WATCH, r.srm().verdict());
      assertTrue(r.summary().get(0).startsWith("Watch: the split between variants is a little off (sample ratio p = 0.0031"), r.summary().get(0));
      assertEquals(0.03008, comparison(r, "purchase").pValue(), 5e-6);
    }

    @Test
    void analyse_mismatchIsAWarning() {
      Analysis.Report r = Analysis.analyse(EXPERIMENT, data(5000, 500, 5450, 600), AS_OF, AS_OF, Analysis.Options.DEFAULT);
      assertEquals(SampleRatioMismatch.Verdict.MISMATCH, r.srm().verdict());
      assertTrue(r.summary().get(0).startsWith("Warning: the split between variants is not what was configured"), r.summary().get(0));
    }

    @Test
    void analyse_evenSplitSaysNothing() {
      Analysis.Report r = Analysis.analyse(EXPERIMENT, data(1000, 100, 1000, 130), AS_OF, AS_OF, Analysis.Options.DEFAULT);
      assertEquals(1.0, r.srm().pValue(), 1e-12);
      assertEquals(SampleRatioMismatch.Verdict.OK, r.srm().verdict());
      assertTrue(r.summary().stream().noneMatch(s -> s.startsWith("Watch") || s.startsWith("Warning")), r.summary().toString());
    }
  }
}
