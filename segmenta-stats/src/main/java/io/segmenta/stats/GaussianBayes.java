package io.segmenta.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * A Bayesian read of an A/B test with a Gaussian approximation to the relative lift (as GrowthBook's engine does):
 * the lift is normal with mean B / A - 1 and the delta-method variance, optionally combined with a normal prior by
 * precision weighting (the conjugate normal-normal update). Reports the chance that B beats A, the expected loss
 * (risk) of choosing each arm, and the central credible interval.
 */
public final class GaussianBayes {
  /** The posterior read. Risks are expected relative losses: of choosing B when A is better, and vice versa. */
  public record Result(double lift, double sd, double chanceToWin, double riskOfB, double riskOfA, double ciLow, double ciHigh,
      String diagnostic) {}

  private GaussianBayes() {}

  public static Result relative(Statistic a, Statistic b, double ciLevel) {
    return relative(a, b, ciLevel, 0, Double.POSITIVE_INFINITY);
  }

  /** With a normal prior on the lift (mean, variance); an infinite prior variance is no prior. */
  public static Result relative(Statistic a, Statistic b, double ciLevel, double priorMean, double priorVariance) {
    if (a.n() < 1 || b.n() < 1 || !(a.mean() > 0)) {
      return new Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          "needs units in both arms and a positive control mean");
    }
    double mean = (b.mean() - a.mean()) / a.mean();
    double var = DeltaMethod.relativeVariance(a, b);
    if (!(var > 0)) {
      return new Result(mean, 0, Double.NaN, Double.NaN, Double.NaN, mean, mean, "no variance: every unit the same value");
    }
    if (Double.isFinite(priorVariance)) {
      double precision = 1 / var + 1 / priorVariance;
      mean = (mean / var + priorMean / priorVariance) / precision;
      var = 1 / precision;
    }
    double sd = Math.sqrt(var);
    NormalDistribution post = new NormalDistribution(null, mean, sd);
    double ctw = 1 - post.cumulativeProbability(0);
    // E[max(0, -X)] and E[max(0, X)] for X ~ N(mean, sd^2).
    NormalDistribution std = new NormalDistribution(null, 0, 1);
    double z = mean / sd;
    double lossB = sd * std.density(z) - mean * std.cumulativeProbability(-z);
    double lossA = sd * std.density(z) + mean * std.cumulativeProbability(z);
    double q = std.inverseCumulativeProbability(0.5 + ciLevel / 2);
    return new Result(mean, sd, ctw, lossB, lossA, mean - q * sd, mean + q * sd, "ok");
  }
}
