package io.segmenta.core.pnl;

import static io.segmenta.core.Preconditions.checkArgument;

/**
 * Customers needed per arm of an A/B test on a conversion rate: the two-sided two-proportion z-test formula
 * (Fleiss, Levin and Paik, "Statistical Methods for Rates and Proportions", 3rd ed., eq. 4.14, without the
 * continuity correction), with the normal quantile from Acklam's rational approximation (relative error < 1.2e-9).
 */
public final class SampleSize {
  private SampleSize() {}

  /** Per-arm size to detect a relative lift {@code mde} on a baseline rate {@code p1}. */
  public static long perArm(double p1, double mde, double alpha, double power) {
    checkArgument(p1 > 0 && p1 < 1, "baseline rate must be in (0, 1), got %s", p1);
    checkArgument(mde > 0, "minimum detectable effect must be positive, got %s", mde);
    double p2 = Math.min(0.999999, p1 * (1 + mde));
    double za = normalQuantile(1 - alpha / 2);
    double zb = normalQuantile(power);
    double pbar = (p1 + p2) / 2;
    double num = za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
    return (long) Math.ceil(num * num / ((p2 - p1) * (p2 - p1)));
  }

  /** The standard normal quantile, Acklam's algorithm. */
  public static double normalQuantile(double p) {
    checkArgument(p > 0 && p < 1, "probability must be in (0, 1), got %s", p);
    double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
    double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      double q = Math.sqrt(-2 * Math.log(1 - p));
      return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
