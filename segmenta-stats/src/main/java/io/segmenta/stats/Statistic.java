package io.segmenta.stats;

/**
 * What one arm of an experiment measured: a mean with its variance and size. Either a sample of values (from
 * their count, sum and sum of squares; variance with n - 1) or a proportion (conversions of n; variance p(1 - p)).
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
}
