package io.segmenta.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The two-sample z-test for proportions with a pooled variance under the null hypothesis (the textbook test, e.g.
 * Agresti, "Categorical Data Analysis", 3rd ed., section 3.1; statsmodels' {@code proportions_ztest}): z = (p_B -
 * p_A) / sqrt(p (1 - p) (1/n_A + 1/n_B)) with p the pooled rate. It answers "is there a difference at all", which is
 * what the classic landing-page analyses report; {@link WelchTTest} on {@link Statistic.Proportion}s gives the
 * unpooled interval for the size of the difference.
 */
public final class ProportionsZTest {
  private ProportionsZTest() {}

  /** Which difference the p-value is for: B differs from A, B is greater, B is smaller. */
  public enum Alternative { TWO_SIDED, GREATER, SMALLER }

  public record Result(double difference, double z, double pValue, String diagnostic) {
    public boolean ok() {
      return diagnostic.equals("ok");
    }
  }

  public static Result test(Statistic.Proportion a, Statistic.Proportion b, Alternative alternative) {
    if (a.n() == 0 || b.n() == 0) {
      return new Result(Double.NaN, Double.NaN, Double.NaN, "each arm needs units, got " + a.n() + " and " + b.n());
    }
    double pooled = (double) (a.successes() + b.successes()) / (a.n() + b.n());
    double diff = b.mean() - a.mean();
    if (pooled == 0 || pooled == 1) {
      return new Result(diff, Double.NaN, Double.NaN, "every unit has the same outcome, so there is no variance to test against");
    }
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / a.n() + 1.0 / b.n()));
    double z = diff / se;
    NormalDistribution n = new NormalDistribution(null, 0, 1);
    double p = switch (alternative) {
      case TWO_SIDED -> 2 * n.cumulativeProbability(-Math.abs(z));
      case GREATER -> 1 - n.cumulativeProbability(z);
      case SMALLER -> n.cumulativeProbability(z);
    };
    return new Result(diff, z, p, "ok");
  }
}
