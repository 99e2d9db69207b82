package io.segmenta.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Sample-ratio mismatch: Pearson's chi-square goodness-of-fit test of the units each variation received against
 * the split that was configured (Fabijan et al. 2019, "Diagnosing sample ratio mismatch in online controlled
 * experiments", KDD). A tiny p-value means assignment or tracking is broken and the results cannot be trusted.
 */
public final class SampleRatioMismatch {
  /**
   * Below this p-value the split is flagged as a mismatch. GrowthBook's default ({@code srmThreshold} 0.001): the
   * check runs on every look at every experiment, so a looser bound would cry wolf on healthy tests (at 0.05, one
   * look in twenty), while a real tracking or assignment fault drives p far below 0.001 within days.
   */
  public static final double MISMATCH_BELOW = 0.001;

  /**
   * Below this p-value (and at or above {@link #MISMATCH_BELOW}) the split is worth watching: a healthy experiment
   * lands here by chance on fewer than 1 look in 100, which is too rare to shrug off and too common to stop a test
   * for. A real fault keeps p falling as units accrue, so it crosses into a mismatch within a few looks; a chance
   * dip drifts back above 0.01. The band is the order of magnitude between GrowthBook's flag and the 0.01 level a
   * data scientist would otherwise reach for.
   */
  public static final double WATCH_BELOW = 0.01;

  /** What the p-value says about the split: fine, worth watching, a mismatch, or not yet testable. */
  public enum Verdict {
    OK, WATCH, MISMATCH, UNKNOWN;

    public String label() {
      return switch (this) {
        case OK -> "ok";
        case WATCH -> "watch";
        case MISMATCH -> "mismatch";
        case UNKNOWN -> "unknown";
      };
    }
  }

  public record Result(double chiSquare, int degreesOfFreedom, double pValue, String diagnostic) {
    /** {@link Verdict#MISMATCH} below {@link #MISMATCH_BELOW}, {@link Verdict#WATCH} below {@link #WATCH_BELOW}. */
    public Verdict verdict() {
      if (!Double.isFinite(pValue)) {
        return Verdict.UNKNOWN;
      }
      return pValue < MISMATCH_BELOW ? Verdict.MISMATCH : pValue < WATCH_BELOW ? Verdict.WATCH : Verdict.OK;
    }
  }

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
