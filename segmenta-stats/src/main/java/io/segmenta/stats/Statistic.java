package io.segmenta.stats;

/**
 * What one arm of an experiment measured: a mean with its variance and size. Either a sample of values (from
 * their count, sum and sum of squares; variance with n - 1), a proportion (conversions of n; variance p(1 - p)), or
 * a ratio of two sums over the same units (revenue returned per revenue bought).
 */
public sealed interface Statistic {
  long n();

  double mean();

  /** The variance of one unit (not of the mean). */
  double variance();

  record SampleMean(long n, double sum, double sumOfSquares) implements Statistic {
    @Override
    public double mean() {
      return n == 0 ? Double.NaN : sum / n;
    }

    @Override
    public double variance() {
      return n < 2 ? Double.NaN : (sumOfSquares - sum * sum / n) / (n - 1);
    }
  }

  record Proportion(long n, long successes) implements Statistic {
    public Proportion {
      if (successes < 0 || successes > n) {
        throw new IllegalArgumentException("successes must be within 0.." + n + ", got " + successes);
      }
    }

    @Override
    public double mean() {
      return n == 0 ? Double.NaN : (double) successes / n;
    }

    @Override
    public double variance() {
      double p = mean();
      return p * (1 - p);
    }
  }

  /**
   * A ratio metric: total numerator over total denominator, from per-unit sums, squares and cross products. Units
   * are the independent draws, not the ratio's parts, so the per-unit variance is the delta method's (Deng, Knoblich
   * and Lu 2018, "Applying the delta method in metric analytics", KDD, section 3; GrowthBook's RatioStatistic):
   * Var = (Var(N) - 2 R Cov(N, D) + R^2 Var(D)) / mean(D)^2 with R = mean(N) / mean(D), which equals the sample
   * variance of the linearised units (N_i - R D_i) / mean(D).
   */
  record Ratio(long n, double sumNumerator, double sumNumeratorSquares, double sumDenominator,
      double sumDenominatorSquares, double sumProducts) implements Statistic {
    @Override
    public double mean() {
      return sumDenominator == 0 ? Double.NaN : sumNumerator / sumDenominator;
    }

    @Override
    public double variance() {
      if (n < 2 || sumDenominator == 0) {
        return Double.NaN;
      }
      double mn = sumNumerator / n;
      double md = sumDenominator / n;
      double vn = (sumNumeratorSquares - sumNumerator * mn) / (n - 1);
      double vd = (sumDenominatorSquares - sumDenominator * md) / (n - 1);
      double cov = (sumProducts - sumNumerator * md) / (n - 1);
      double r = mn / md;
      return Math.max(0, (vn - 2 * r * cov + r * r * vd) / (md * md));
    }
  }
}
