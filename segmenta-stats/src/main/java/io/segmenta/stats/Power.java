package io.segmenta.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Power and sample size of a two-sided, two-sample comparison of means under the normal approximation (e.g.
 * Chow, Shao and Wang, "Sample Size Calculations in Clinical Research", 2nd ed., section 3.2): with a standard
 * error se for the effect d, power = Phi(|d| / se - z) + Phi(-|d| / se - z), z = Phi^-1(1 - alpha / 2).
 */
public final class Power {
  private static final NormalDistribution Z = new NormalDistribution(null, 0, 1);

  private Power() {}

  /** The probability of a significant result when the true effect is {@code effect}. */
  public static double of(double effect, double standardError, double alpha) {
    if (!(standardError > 0)) {
      return Double.NaN;
    }
    double z = Z.inverseCumulativeProbability(1 - alpha / 2);
    double k = Math.abs(effect) / standardError;
    return Z.cumulativeProbability(k - z) + Z.cumulativeProbability(-k - z);
  }

  /** Units per arm to detect an absolute difference {@code effect} of means with unit variance {@code variance}. */
  public static long perArm(double effect, double variance, double alpha, double power) {
    if (!(effect != 0) || !(variance > 0)) {
      return -1;
    }
    double s = Z.inverseCumulativeProbability(1 - alpha / 2) + Z.inverseCumulativeProbability(power);
    return (long) Math.ceil(2 * s * s * variance / (effect * effect));
  }
}
