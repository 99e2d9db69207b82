package io.segmenta.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Welch's two-sample t-test for unequal variances (Welch 1947, "The generalization of 'Student's' problem when
 * several different population variances are involved", Biometrika 34:28-35), two-sided, with the
 * Welch-Satterthwaite degrees of freedom. The relative effect (lift, B / A - 1) takes its variance from the delta
 * method, as GrowthBook's stats engine does (gbstats, frequentist/tests.py), so results match it.
 */
public final class WelchTTest {
  private WelchTTest() {}

  /** The difference of means B - A. */
  public static TestResult absolute(Statistic a, Statistic b, double alpha) {
    String problem = check(a, b);
    if (problem != null) {
      return TestResult.degenerate(problem);
    }
    double estimate = b.mean() - a.mean();
    double variance = b.variance() / b.n() + a.variance() / a.n();
    return finish(estimate, variance, dof(a, b), alpha);
  }

  /** The relative lift B / A - 1. */
  public static TestResult relative(Statistic a, Statistic b, double alpha) {
    String problem = check(a, b);
    if (problem != null) {
      return TestResult.degenerate(problem);
    }
    if (a.mean() == 0) {
      return TestResult.degenerate("the control mean is 0, so a relative lift is undefined");
    }
    double estimate = (b.mean() - a.mean()) / a.mean();
    double variance = DeltaMethod.relativeVariance(a, b);
    return finish(estimate, variance, dof(a, b), alpha);
  }

  static String check(Statistic a, Statistic b) {
    if (a.n() < 2 || b.n() < 2) {
      return "each arm needs at least 2 units, got " + a.n() + " and " + b.n();
    }
    if (!(a.variance() > 0) || !(b.variance() > 0)) {
      return "an arm has no variance (every unit the same value), so the test cannot be computed";
    }
    return null;
  }

  /** Welch-Satterthwaite degrees of freedom from the unit variances. */
  static double dof(Statistic a, Statistic b) {
    double va = a.variance() / a.n();
    double vb = b.variance() / b.n();
    return Math.pow(va + vb, 2) / (vb * vb / (b.n() - 1) + va * va / (a.n() - 1));
  }

  private static TestResult finish(double estimate, double variance, double dof, double alpha) {
    double se = Math.sqrt(variance);
    TDistribution t = new TDistribution(null, dof);
    double p = 2 * (1 - t.cumulativeProbability(Math.abs(estimate / se)));
    double width = t.inverseCumulativeProbability(1 - alpha / 2) * se;
    return new TestResult(estimate, se, p, estimate - width, estimate + width, dof, "ok");
  }
}
