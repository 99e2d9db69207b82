package io.segmenta.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Wilson score interval for a proportion (Wilson 1927; recommended over the Wald interval by Newcombe 1998,
 * "Two-sided confidence intervals for the single proportion", and by Brown, Cai and DasGupta 2001): the set of true
 * rates p whose score test does not reject the observed rate. Unlike the Wald interval it stays inside [0, 1] and
 * keeps close to its nominal coverage for small groups and rates near 0 or 1, which is what a breakdown by a trait
 * value meets. With z = the normal quantile, the bounds are
 * (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n).
 */
public final class WilsonInterval {
  private WilsonInterval() {}

  /** The bounds; both NaN when there are no trials. */
  public record Interval(double low, double high) {}

  /** The interval at {@code level} (e.g. 0.95) for {@code successes} out of {@code n}. */
  public static Interval of(long successes, long n, double level) {
    if (successes < 0 || successes > n) {
      throw new IllegalArgumentException("successes must be between 0 and n = " + n + ", got " + successes);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must be between 0 and 1, got " + level);
    }
    if (n == 0) {
      return new Interval(Double.NaN, Double.NaN);
    }
    double z = new NormalDistribution(null, 0, 1).inverseCumulativeProbability(1 - (1 - level) / 2);
    double p = (double) successes / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    // At 0 or n successes one bound is exactly the observed rate; rounding must not push it past.
    return new Interval(successes == 0 ? 0 : Math.max(0, centre - half), successes == n ? 1 : Math.min(1, centre + half));
  }
}
