package io.segmenta.stats;

import static io.segmenta.stats.WelchTTest.check;

/**
 * Always-valid confidence intervals that may be looked at every day without inflating the error rate: the
 * two-sided asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas (2023,
 * "Time-uniform central limit theory and asymptotic confidence sequences", arXiv:2103.06476), equation 9, with the
 * mixing parameter from the tuning size N* by their equation 161, as GrowthBook's engine parameterises it. The
 * per-unit variance fed to it is the estimator's variance times the combined sample size. The p-value is the
 * smallest alpha whose interval excludes zero (found by bisection: the interval narrows as alpha grows).
 */
public final class SequentialTest {
  private SequentialTest() {}

  /** The relative lift B / A - 1 with an always-valid interval; {@code tuning} is N*, where the sequence is tightest. */
  public static TestResult relative(Statistic a, Statistic b, double alpha, double tuning) {
    String problem = check(a, b);
    if (problem != null) {
      return TestResult.degenerate(problem);
    }
    if (!(tuning > 0)) {
      return TestResult.degenerate("the tuning parameter N* must be positive, got " + tuning);
    }
    if (a.mean() == 0) {
      return TestResult.degenerate("the control mean is 0, so a relative lift is undefined");
    }
    double estimate = (b.mean() - a.mean()) / a.mean();
    double variance = DeltaMethod.relativeVariance(a, b);
    long n = a.n() + b.n();
    double half = halfWidth(variance * n, n, tuning, alpha);
    double lo = 1e-12;
    double hi = 1;
    if (Math.abs(estimate) > halfWidth(variance * n, n, tuning, lo)) {
      hi = lo;
    } else {
      for (int i = 0; i < 200; i++) {
        double mid = Math.sqrt(lo * hi);
        if (Math.abs(estimate) > halfWidth(variance * n, n, tuning, mid)) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
    }
    return new TestResult(estimate, Math.sqrt(variance), Math.min(1, hi), estimate - half, estimate + half, Double.NaN, "ok");
  }

  static double rho(double alpha, double tuning) {
    double la = Math.log(alpha);
    return Math.sqrt((-2 * la + Math.log(-2 * la + 1)) / tuning);
  }

  /** Equation 9: the half-width for per-unit variance s2 after n units. */
  static double halfWidth(double s2, long n, double tuning, double alpha) {
    double r = rho(alpha, tuning);
    double nr2 = n * r * r;
    double nr = n * r;
    return Math.sqrt(s2) * Math.sqrt(2 * (nr2 + 1) * Math.log(Math.sqrt(nr2 + 1) / alpha) / (nr * nr));
  }
}
