package io.segmenta.stats;

/**
 * The population stability index of a distribution over bins between a baseline and a current period:
 * {@code PSI = sum over bins of (c_i - b_i) * ln(c_i / b_i)} with {@code b_i}, {@code c_i} the shares of the bin in
 * each period (a symmetric form of the Kullback-Leibler divergence: the sum of both directions).
 *
 * <p>Why these thresholds: below 0.1 a population is taken as stable, 0.1 to 0.25 as a moderate shift worth a look,
 * 0.25 and above as a major shift, as credit scoring has used them since Siddiqi, "Credit Risk Scorecards" (Wiley,
 * 2006), ch. 8; Yurdakul, "Statistical properties of population stability index" (Western Michigan University, 2018)
 * shows they are rules of thumb that depend on the counts, which is why small periods get a diagnostic instead of a
 * number: each period needs {@code minCount} members, or the index measures noise.
 *
 * <p>A bin empty in either period would make the index infinite: then half a count is added to every bin of both
 * periods (the Jeffreys prior's pseudo-count), so the index stays finite and no bin is favoured.
 */
public final class PopulationStability {
  /** Below this the distribution is stable. */
  public static final double MODERATE_FROM = 0.1;
  /** At or above this the shift is major. */
  public static final double MAJOR_FROM = 0.25;

  /** How far a distribution moved. */
  public enum Level { STABLE, MODERATE, MAJOR, UNKNOWN }

  /** The index, its level, each bin's share of it, and a diagnostic ({@code ok} when it was computed). */
  public record Result(double psi, Level level, double[] contributions, String diagnostic) {
    public boolean computed() {
      return Double.isFinite(psi);
    }
  }

  private PopulationStability() {}

  /** The index of {@code current} against {@code baseline} (counts per bin, the same bins in the same order). */
  public static Result of(long[] baseline, long[] current, long minCount) {
    if (baseline.length != current.length || baseline.length < 2) {
      return unknown("needs the same bins in both periods and at least two, got " + baseline.length + " and " + current.length);
    }
    long b = 0;
    long c = 0;
    boolean empty = false;
    for (int i = 0; i < baseline.length; i++) {
      if (baseline[i] < 0 || current[i] < 0) {
        return unknown("counts cannot be negative, bin " + i + " has " + Math.min(baseline[i], current[i]));
      }
      b += baseline[i];
      c += current[i];
      empty |= baseline[i] == 0 || current[i] == 0;
    }
    if (b < minCount || c < minCount) {
      return unknown("too few to compare: " + b + " and " + c + " in the two periods, at least " + minCount + " each are needed");
    }
    double pseudo = empty ? 0.5 : 0;
    double bt = b + pseudo * baseline.length;
    double ct = c + pseudo * current.length;
    double psi = 0;
    double[] parts = new double[baseline.length];
    for (int i = 0; i < baseline.length; i++) {
      double bi = (baseline[i] + pseudo) / bt;
      double ci = (current[i] + pseudo) / ct;
      parts[i] = (ci - bi) * Math.log(ci / bi);
      psi += parts[i];
    }
    Level level = psi >= MAJOR_FROM ? Level.MAJOR : psi >= MODERATE_FROM ? Level.MODERATE : Level.STABLE;
    return new Result(psi, level, parts, "ok");
  }

  private static Result unknown(String why) {
    return new Result(Double.NaN, Level.UNKNOWN, new double[0], why);
  }
}
