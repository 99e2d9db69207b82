package io.segmenta.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The golden values of issue #5 (from GrowthBook's stats engine test suite), to 5 decimals. */
class GoldenValuesTest {
  static final Statistic A = new Statistic.SampleMean(3407, 1396.87, 52377.9767);
  static final Statistic B = new Statistic.SampleMean(3461, 2422.7, 134698.29);

  /** Truncation towards zero at the given number of decimals. */
  static double cut(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return (v < 0 ? Math.ceil(v * f) : Math.floor(v * f)) / f;
  }

  static void near(double expected, double actual) {
    assertEquals(expected, actual, 5e-6);
  }

  @Nested
  class Welch {
    @Test
    void absolute_matchesGolden() {
      TestResult r = WelchTTest.absolute(A, B, 0.05);
      near(0.29, r.estimate());
      near(0.12478, Math.round(r.standardError() * 1e5) / 1e5);
      near(0.02016, Math.round(r.pValue() * 1e5) / 1e5);
      near(0.04538, Math.round(r.ciLow() * 1e5) / 1e5);
      near(0.53462, Math.round(r.ciHigh() * 1e5) / 1e5);
    }

    @Test
    void relative_matchesGolden() {
      TestResult r = WelchTTest.relative(A, B, 0.05);
      near(0.70732, Math.round(r.estimate() * 1e5) / 1e5);
      near(0.37879, Math.round(r.standardError() * 1e5) / 1e5);
      near(0.06191, Math.round(r.pValue() * 1e5) / 1e5);
      near(-0.03526, Math.round(r.ciLow() * 1e5) / 1e5);
      near(1.44989, Math.round(r.ciHigh() * 1e5) / 1e5);
    }

    @Test
    void proportions_matchGolden() {
      // Control 87/1529, treatment 62/1471: the treatment converts 25.9 % less.
      // These four golden figures are cut, not rounded: -0.2592575 is given as -0.25925, 0.0309607 as 0.030960.
      TestResult r = WelchTTest.relative(new Statistic.Proportion(1529, 87), new Statistic.Proportion(1471, 62), 0.05);
      near(-0.25925, cut(r.estimate(), 5));
      near(-0.49475, cut(r.ciLow(), 5));
      near(-0.02376, cut(r.ciHigh(), 5));
      near(0.030960, cut(r.pValue(), 6));
    }

    @Test
    void degenerate_isADiagnosticNotAnException() {
      TestResult r = WelchTTest.relative(new Statistic.Proportion(10, 0), new Statistic.Proportion(10, 3), 0.05);
      assertFalse(r.ok());
      assertTrue(Double.isNaN(r.pValue()));
      assertFalse(WelchTTest.absolute(new Statistic.SampleMean(1, 5, 25), B, 0.05).ok());
    }
  }

  @Test
  void sequential_matchesGolden() {
    // A's n changed to 3000, sums unchanged; B unchanged; relative; N* = 1000.
    TestResult r = SequentialTest.relative(new Statistic.SampleMean(3000, 1396.87, 52377.9767), B, 0.05, 1000);
    near(0.50336, Math.round(r.estimate() * 1e5) / 1e5);
    near(0.33341, Math.round(r.standardError() * 1e5) / 1e5);
    near(-0.55844, Math.round(r.ciLow() * 1e5) / 1e5);
    near(1.56516, Math.round(r.ciHigh() * 1e5) / 1e5);
    // Always valid: wider than the fixed-horizon interval, and its p-value is where the interval touches zero.
    TestResult fixed = WelchTTest.relative(new Statistic.SampleMean(3000, 1396.87, 52377.9767), B, 0.05);
    assertTrue(r.ciHigh() - r.ciLow() > fixed.ciHigh() - fixed.ciLow());
    TestResult atP = SequentialTest.relative(new Statistic.SampleMean(3000, 1396.87, 52377.9767), B, r.pValue(), 1000);
    assertEquals(0, atP.ciLow(), 1e-9);
  }

  @Test
  void bayes_matchesGolden() {
    GaussianBayes.Result r = GaussianBayes.relative(new Statistic.Proportion(100, 49), new Statistic.Proportion(100, 51), 0.95);
    near(0.04082, Math.round(r.lift() * 1e5) / 1e5);
    near(0.14725, Math.round(r.sd() * 1e5) / 1e5);
    near(0.60918, Math.round(r.chanceToWin() * 1e5) / 1e5);
    near(-0.24779, Math.round(r.ciLow() * 1e5) / 1e5);
    near(0.32943, Math.round(r.ciHigh() * 1e5) / 1e5);
    assertTrue(r.riskOfB() < r.riskOfA(), "B is more likely better, so choosing it risks less");
  }

  @Test
  void bayes_priorPullsTowardsItsMean() {
    GaussianBayes.Result none = GaussianBayes.relative(new Statistic.Proportion(100, 49), new Statistic.Proportion(100, 51), 0.95);
    GaussianBayes.Result prior = GaussianBayes.relative(new Statistic.Proportion(100, 49), new Statistic.Proportion(100, 51), 0.95, 0, 0.01);
    assertTrue(Math.abs(prior.lift()) < Math.abs(none.lift()));
    assertTrue(prior.sd() < none.sd());
  }

  @Test
  void srm_matchesGolden() {
    assertEquals(0.000020079, SampleRatioMismatch.test(new long[] {1000, 1200}, new double[] {.5, .5}).pValue(), 5e-10);
    assertEquals(0.647434186, SampleRatioMismatch.test(new long[] {310, 98}, new double[] {.75, .25}).pValue(), 5e-10);
    assertEquals(0.000592638, SampleRatioMismatch.test(new long[] {500, 500, 600}, new double[] {.34, .33, .33}).pValue(), 5e-10);
    assertFalse(SampleRatioMismatch.test(new long[] {0, 0}, new double[] {.5, .5}).diagnostic().equals("ok"));
  }
}
