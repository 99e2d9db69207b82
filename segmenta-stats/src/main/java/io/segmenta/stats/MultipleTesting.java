package io.segmenta.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Adjusted p-values for many comparisons at once (one test per segment, say): Holm's step-down method, which
 * controls the family-wise error rate (Holm 1979, "A simple sequentially rejective multiple test procedure",
 * Scand. J. Statist. 6:65-70), and Benjamini-Hochberg, which controls the false discovery rate (Benjamini and
 * Hochberg 1995, JRSS B 57:289-300). Returned in the order given; NaN p-values stay NaN and do not count.
 */
public final class MultipleTesting {
  private MultipleTesting() {}

  public static double[] holm(double[] p) {
    Integer[] order = order(p);
    int m = order.length;
    double[] out = filled(p);
    double running = 0;
    for (int k = 0; k < m; k++) {
      int i = order[k];
      running = Math.max(running, Math.min(1, (m - k) * p[i]));
      out[i] = running;
    }
    return out;
  }

  public static double[] benjaminiHochberg(double[] p) {
    Integer[] order = order(p);
    int m = order.length;
    double[] out = filled(p);
    double running = 1;
    for (int k = m - 1; k >= 0; k--) {
      int i = order[k];
      running = Math.min(running, Math.min(1, p[i] * m / (k + 1)));
      out[i] = running;
    }
    return out;
  }

  /** Indexes of the non-NaN p-values, smallest first (ties by position, so the result is deterministic). */
  private static Integer[] order(double[] p) {
    return IntStream.range(0, p.length).filter(i -> !Double.isNaN(p[i])).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> p[i]).thenComparingInt(i -> i)).toArray(Integer[]::new);
  }

  private static double[] filled(double[] p) {
    double[] out = new double[p.length];
    Arrays.fill(out, Double.NaN);
    return out;
  }
}
