package io.segmenta.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RatioAndZTestTest {

  @Nested
  class RatioStatistic {
    /** Units with numerator and denominator drawn at random, as a variant's orders (denominator) and returns. */
    static double[][] units(long seed, int n) {
      SplittableRandom r = new SplittableRandom(seed);
      double[][] u = new double[n][2];
      for (int i = 0; i < n; i++) {
        double bought = r.nextInt(0, 5) * (20 + r.nextDouble() * 80);
        u[i][0] = bought * (r.nextDouble() < 0.3 ? r.nextDouble() : 0);
        u[i][1] = bought;
      }
      return u;
    }

    static Statistic.Ratio of(double[][] u) {
      double sn = 0, sn2 = 0, sd = 0, sd2 = 0, snd = 0;
      for (double[] x : u) {
        sn += x[0];
        sn2 += x[0] * x[0];
        sd += x[1];
        sd2 += x[1] * x[1];
        snd += x[0] * x[1];
      }
      return new Statistic.Ratio(u.length, sn, sn2, sd, sd2, snd);
    }

    @Test
    void variance_equalsTheVarianceOfLinearisedUnits() {
      double[][] u = units(7, 5000);
      Statistic.Ratio s = of(u);
      double md = s.sumDenominator() / u.length;
      double r = s.mean();
      double sum = 0, sum2 = 0;
      for (double[] x : u) {
        double lin = (x[0] - r * x[1]) / md;
        sum += lin;
        sum2 += lin * lin;
      }
      double direct = (sum2 - sum * sum / u.length) / (u.length - 1);
      assertEquals(direct, s.variance(), 1e-9 * direct);
    }

    @Test
    void variance_isZeroWhenTheRatioIsTheSameForEveryUnit() {
      double[][] u = units(3, 200);
      for (double[] x : u) {
        x[0] = 0.25 * x[1];
      }
      assertEquals(0.25, of(u).mean(), 1e-12);
      assertEquals(0, of(u).variance(), 1e-9);
    }

    @Test
    void variance_withoutDenominatorIsNaN() {
      assertTrue(Double.isNaN(new Statistic.Ratio(10, 1, 1, 0, 0, 0).variance()));
    }

    /** The delta method's standard error matches the spread of the ratio over many replications. */
    @Test
    void standardError_matchesReplications() {
      int reps = 400;
      double[] ratios = new double[reps];
      double predicted = 0;
      for (int k = 0; k < reps; k++) {
        Statistic.Ratio s = of(units(100 + k, 2000));
        ratios[k] = s.mean();
        predicted += Math.sqrt(s.variance() / s.n()) / reps;
      }
      double mean = Arrays.stream(ratios).average().orElseThrow();
      double sd = Math.sqrt(Arrays.stream(ratios).map(x -> (x - mean) * (x - mean)).sum() / (reps - 1));
      assertEquals(sd, predicted, 0.12 * sd);
    }
  }

  @Nested
  class PooledZ {
    /** REFERENCE_RESULTS.md section 2: statsmodels' proportions_ztest on the cleaned landing-page data. */
    @Test
    void test_reproducesTheLandingPageResult() {
      Statistic.Proportion control = new Statistic.Proportion(145274, 17489);
      Statistic.Proportion treatment = new Statistic.Proportion(145310, 17264);
      ProportionsZTest.Result r = ProportionsZTest.test(control, treatment, ProportionsZTest.Alternative.GREATER);
      // Published as z = 1.3109241984234394 for control minus treatment, p = 0.90505831275902449 for "new is better".
      assertEquals(-1.3109241984234394, r.z(), 1e-9);
      assertEquals(0.90505831275902449, r.pValue(), 1e-9);
      assertEquals(-0.0015782389853555567, r.difference(), 1e-12);
      assertEquals(0.18988, ProportionsZTest.test(control, treatment, ProportionsZTest.Alternative.TWO_SIDED).pValue(), 5e-6);
    }

    @Test
    void test_allSameOutcomeIsADiagnostic() {
      ProportionsZTest.Result r = ProportionsZTest.test(new Statistic.Proportion(10, 0), new Statistic.Proportion(12, 0), ProportionsZTest.Alternative.TWO_SIDED);
      assertFalse(r.ok());
      assertTrue(Double.isNaN(r.pValue()));
    }
  }
}
