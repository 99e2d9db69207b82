package io.segmenta.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Sample-ratio mismatch: Pearson's chi-square goodness-of-fit test of the units each variation received against
 * the split that was configured (Fabijan et al. 2019, "Diagnosing sample ratio mismatch in online controlled
 * experiments", KDD). A tiny p-value means assignment or tracking is broken and the results cannot be trusted.
 */
public final class SampleRatioMismatch {
  public record Result(double chiSquare, int degreesOfFreedom, double pValue, String diagnostic) {}

  private SampleRatioMismatch() {}

  public static Result test(long[] counts, double[] weights) {
    if (counts.length != weights.length || counts.length < 2) {
      return new Result(Double.NaN, 0, Double.NaN, "needs one weight per variation and at least two variations");
    }
    double total = 0;
    double weightSum = 0;
    for (int i = 0; i < counts.length; i++) {
      total += counts[i];
      weightSum += weights[i];
    }
    if (total == 0 || !(weightSum > 0)) {
      return new Result(Double.NaN, counts.length - 1, Double.NaN, "no units yet");
    }
    double chi = 0;
    for (int i = 0; i < counts.length; i++) {
      double expected = total * weights[i] / weightSum;
      if (!(expected > 0)) {
        return new Result(Double.NaN, counts.length - 1, Double.NaN, "variation " + i + " has weight 0");
      }
      chi += Math.pow(counts[i] - expected, 2) / expected;
    }
    int df = counts.length - 1;
    double p = 1 - new ChiSquaredDistribution(null, df).cumulativeProbability(chi);
    return new Result(chi, df, p, "ok");
  }
}
