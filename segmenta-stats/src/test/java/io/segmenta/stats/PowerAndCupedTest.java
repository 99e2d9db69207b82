package io.segmenta.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PowerAndCupedTest {
  @Test
  void perArm_textbookCase() {
    // Half a standard deviation, alpha 0.05 two-sided, power 0.8: 2 (1.96 + 0.8416)^2 / 0.25 = 62.8 -> 63.
    assertEquals(63, Power.perArm(0.5, 1.0, 0.05, 0.80));
  }

  @Test
  void power_atTheSampleSizeIsTheTarget() {
    long n = Power.perArm(0.5, 1.0, 0.05, 0.80);
    double se = Math.sqrt(2.0 / n);
    double p = Power.of(0.5, se, 0.05);
    assertTrue(p >= 0.80 && p < 0.81, "power " + p);
    assertEquals(0.05, Power.of(0, se, 0.05), 1e-12, "with no effect, power is alpha");
  }

  @Test
  void cuped_equalsAdjustingEachUnitAndShrinksTheVariance() {
    SplittableRandom r = new SplittableRandom(3);
    int n = 4_000;
    double[][] x = new double[2][n];
    double[][] y = new double[2][n];
    Cuped.Sums[] sums = new Cuped.Sums[2];
    for (int arm = 0; arm < 2; arm++) {
      double sy = 0, sy2 = 0, sx = 0, sx2 = 0, sxy = 0;
      for (int i = 0; i < n; i++) {
        x[arm][i] = 10 + 3 * r.nextGaussian();
        y[arm][i] = x[arm][i] + (arm == 1 ? 0.2 : 0) + r.nextGaussian();
        sy += y[arm][i];
        sy2 += y[arm][i] * y[arm][i];
        sx += x[arm][i];
        sx2 += x[arm][i] * x[arm][i];
        sxy += x[arm][i] * y[arm][i];
      }
      sums[arm] = new Cuped.Sums(n, sy, sy2, sx, sx2, sxy);
    }
    Cuped.Result c = Cuped.adjust(sums[0], sums[1]);
    // Adjust every unit directly with the same theta and pooled mean of X, and compare.
    double meanX = (sums[0].sumX() + sums[1].sumX()) / (2.0 * n);
    for (int arm = 0; arm < 2; arm++) {
      double s = 0, s2 = 0;
      for (int i = 0; i < n; i++) {
        double v = y[arm][i] - c.theta() * (x[arm][i] - meanX);
        s += v;
        s2 += v * v;
      }
      Statistic direct = new Statistic.SampleMean(n, s, s2);
      Statistic viaSums = arm == 0 ? c.a() : c.b();
      assertEquals(direct.mean(), viaSums.mean(), 1e-9);
      assertEquals(direct.variance(), viaSums.variance(), 1e-6);
    }
    assertEquals(1.0, c.theta(), 0.05, "Y moves one for one with X");
    assertTrue(c.varianceReduction() > 0.85, "rho^2 " + c.varianceReduction());
    TestResult plain = WelchTTest.absolute(new Statistic.SampleMean(n, sums[0].sumY(), sums[0].sumY2()), new Statistic.SampleMean(n, sums[1].sumY(), sums[1].sumY2()), 0.05);
    TestResult adjusted = WelchTTest.absolute(c.a(), c.b(), 0.05);
    assertTrue(adjusted.standardError() < 0.4 * plain.standardError(), adjusted.standardError() + " vs " + plain.standardError());
    assertEquals(0.2, adjusted.estimate(), 0.05);
  }
}
