package io.segmenta.core.summary;

import io.segmenta.core.value.Numbers;
import io.segmenta.core.value.Value;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The values one trait takes over one population, gathered row by row: numbers in a growing array (sorted once at
 * the end for quantiles, distinct values and top values), anything else counted by its text. Lists count each item.
 */
final class Column {
  private double[] numbers = new double[64];
  private int n;
  private final Map<String, Long> counts = new HashMap<>();
  private long present;
  private long population;
  private boolean sorted;

  void add(Value v) {
    population++;
    if (v == null || v.isNull()) {
      return;
    }
    if (v instanceof Value.Num num) {
      if (!Double.isFinite(num.value())) {
        return;
      }
      present++;
      if (n == numbers.length) {
        numbers = Arrays.copyOf(numbers, n * 2);
      }
      numbers[n++] = num.value();
      sorted = false;
    } else if (v instanceof Value.ListValue list) {
      present++;
      for (Value item : list.items()) {
        counts.merge(text(item), 1L, Long::sum);
      }
    } else {
      present++;
      counts.merge(text(v), 1L, Long::sum);
    }
  }

  long population() {
    return population;
  }

  long present() {
    return present;
  }

  /** The numbers gathered, ascending. */
  double[] sortedNumbers() {
    if (!sorted) {
      numbers = Arrays.copyOf(numbers, n);
      Arrays.sort(numbers);
      sorted = true;
    }
    return numbers;
  }

  boolean numeric() {
    return n > 0;
  }

  /** Each distinct value with its count (numbers by run-length over the sorted values). */
  Map<String, Long> counts() {
    if (n == 0) {
      return counts;
    }
    Map<String, Long> out = new HashMap<>();
    double[] x = sortedNumbers();
    for (int i = 0; i < x.length;) {
      int j = i;
      while (j < x.length && x[j] == x[i]) {
        j++;
      }
      out.put(Numbers.format(x[i]), (long) (j - i));
      i = j;
    }
    return out;
  }

  static String text(Value v) {
    return v instanceof Value.Str s ? s.value() : v instanceof Value.Num num ? Numbers.format(num.value()) : v.toString();
  }

  /**
   * The q-quantile of ascending values by linear interpolation between order statistics (Hyndman and Fan 1996,
   * definition 7: the default of R, NumPy and spreadsheets, so the numbers match what an analyst checks them with).
   */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** The most common values, most common first, ties by value. */
  static List<TraitSummaries.Count> top(Map<String, Long> counts, int limit) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(limit).map(e -> new TraitSummaries.Count(e.getKey(), e.getValue())).toList();
  }
}
