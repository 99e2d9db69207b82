package io.segmenta.core.rfm;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Scores values 1..k by where they fall in the population, in one of two documented ways.
 *
 * <p>{@link Method#RANK} (the default): a value's score is {@code 1 + floor(k * (values strictly below it) / n)}.
 * Equal values always get the same score, and the score depends only on the value and the population, never on
 * row order. (SQL's NTILE, by contrast, splits ties arbitrarily: two customers with the same spend can land in
 * different quintiles from one run to the next.) When more than n/k customers share a value, a score is skipped.
 *
 * <p>{@link Method#QCUT} reproduces pandas' {@code qcut(x, k)}: bin edges at the k-quantiles with linear
 * interpolation (numpy's default), right-closed bins, the lowest edge included. Published RFM pipelines use it;
 * like pandas it fails (here: {@link IllegalArgumentException}) when two edges coincide.
 */
public final class QuantileScores {
  public enum Method { RANK, QCUT }

  private QuantileScores() {}

  /** The score (1..k) of every value, in input order. */
  public static int[] scores(double[] values, int k, Method method) {
    checkArgument(k >= 2 && k <= 100, "the number of scores must be between 2 and 100, got %s", k);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = values.length;
    int[] out = new int[n];
    if (n == 0) {
      return out;
    }
    if (method == Method.RANK) {
      for (int i = 0; i < n; i++) {
        int below = lowerBound(sorted, values[i]);
        out[i] = 1 + (int) Math.floor((double) k * below / n);
      }
      return out;
    }
    double[] edges = new double[k + 1];
    for (int i = 0; i <= k; i++) {
      edges[i] = quantile(sorted, (double) i / k);
    }
    for (int i = 1; i <= k; i++) {
      if (edges[i] == edges[i - 1]) {
        throw new IllegalArgumentException("bin edges must be unique for qcut, but the " + k + "-quantiles "
            + Arrays.toString(edges) + " repeat a value; use the rank method");
      }
    }
    for (int i = 0; i < n; i++) {
      int bin = 1;
      while (bin < k && values[i] > edges[bin]) {
        bin++;
      }
      out[i] = bin;
    }
    return out;
  }

  /** numpy's default (linear) quantile of sorted values. */
  static double quantile(double[] sorted, double q) {
    double pos = (sorted.length - 1) * q;
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  private static int lowerBound(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
