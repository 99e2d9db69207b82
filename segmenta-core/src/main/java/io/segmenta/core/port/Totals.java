package io.segmenta.core.port;

import java.util.List;

/**
 * For the members of a rule: how many there are, and for each measure asked for, over the members where it is
 * defined, how many such members, the sum, the sum of squares, the smallest and the largest value (NaN when none).
 */
public record Totals(long members, List<Double> sums, List<Long> counts, List<Double> squares, List<Double> mins, List<Double> maxs) {
  public Totals {
    sums = List.copyOf(sums);
    counts = List.copyOf(counts);
    squares = List.copyOf(squares);
    mins = List.copyOf(mins);
    maxs = List.copyOf(maxs);
  }

  /** The mean of measure i over the members where it is defined (NaN when none). */
  public double mean(int i) {
    return counts.get(i) == 0 ? Double.NaN : sums.get(i) / counts.get(i);
  }

  /** The population standard deviation of measure i (NaN when undefined everywhere). */
  public double sd(int i) {
    long n = counts.get(i);
    if (n == 0) {
      return Double.NaN;
    }
    double m = sums.get(i) / n;
    return Math.sqrt(Math.max(0, squares.get(i) / n - m * m));
  }
}
