package io.segmenta.core.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Deterministic assignment of units to variations, compatible with GrowthBook's SDKs: the same id, seed and
 * weights give the same variation here as in the GrowthBook JavaScript SDK in a browser (its cross-SDK conformance
 * cases are the test). A unit's hash is FNV-1a 32-bit (Fowler, Noll and Vo) over the UTF-16 code units of the
 * string, as JavaScript's {@code charCodeAt} sees it: an id with characters outside the Basic Multilingual Plane
 * hashes its two surrogates, like the JS SDK (the Python SDK, which hashes code points, differs there).
 */
public final class Assignment {
  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private Assignment() {}

  /** FNV-1a 32-bit over UTF-16 code units, as an unsigned value. */
  static long fnv32a(String s) {
    int h = FNV_OFFSET;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= FNV_PRIME;
    }
    return h & 0xffffffffL;
  }

  /**
   * A number in [0, 1) for a unit: version 1 is fnv(value + seed) mod 1000 / 1000; version 2 is
   * fnv(str(fnv(seed + value))) mod 10000 / 10000. Unknown versions give no hash.
   */
  public static OptionalDouble hash(String seed, String value, int version) {
    if (version == 1) {
      return OptionalDouble.of((fnv32a(value + seed) % 1000) / 1000.0);
    }
    if (version == 2) {
      return OptionalDouble.of((fnv32a(Long.toString(fnv32a(seed + value))) % 10000) / 10000.0);
    }
    return OptionalDouble.empty();
  }

  /** n equal weights summing to 1 (none for n <= 0). */
  public static double[] equalWeights(int n) {
    if (n <= 0) {
      return new double[0];
    }
    double[] w = new double[n];
    Arrays.fill(w, 1.0 / n);
    return w;
  }

  /**
   * The [start, end) hash range of each variation: weights (equal when missing, of the wrong length, or not
   * summing to 1 within 0.01) laid end to end, each shrunk to the coverage (clamped to 0..1).
   */
  public static List<double[]> bucketRanges(int variations, double coverage, double[] weights) {
    double c = Math.max(0, Math.min(1, coverage));
    double[] equal = equalWeights(variations);
    double[] w = weights == null || weights.length != variations ? equal : weights;
    double total = 0;
    for (double x : w) {
      total += x;
    }
    if (total < 0.99 || total > 1.01) {
      w = equal;
    }
    List<double[]> out = new ArrayList<>(w.length);
    double cumulative = 0;
    for (double x : w) {
      double start = cumulative;
      cumulative += x;
      out.add(new double[] {start, start + c * x});
    }
    return out;
  }

  /** The variation whose range holds n, or -1 (outside the coverage). */
  public static int chooseVariation(double n, List<double[]> ranges) {
    for (int i = 0; i < ranges.size(); i++) {
      if (n >= ranges.get(i)[0] && n < ranges.get(i)[1]) {
        return i;
      }
    }
    return -1;
  }

  /** Whether a unit falls in a namespace's [start, end) slice (hashed with seed "__" + namespace, version 1). */
  public static boolean inNamespace(String unitId, String namespace, double start, double end) {
    double n = hash("__" + namespace, unitId, 1).orElseThrow();
    return n >= start && n < end;
  }
}
