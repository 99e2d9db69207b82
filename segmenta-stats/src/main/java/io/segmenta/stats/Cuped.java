package io.segmenta.stats;

/**
 * CUPED variance reduction (Deng, Xu, Kohavi and Walker 2013, "Improving the sensitivity of online controlled
 * experiments by utilizing pre-experiment data", WSDM): each unit's metric Y is replaced by Y - theta (X - mean X),
 * where X is the same metric before the experiment and theta = cov(X, Y) / var(X) pooled over both arms. The
 * difference of means stays unbiased; its variance shrinks by the factor 1 - rho^2. Works on sufficient
 * statistics, so it never needs the units themselves.
 */
public final class Cuped {
  /** One arm's sums: n, sum and sum of squares of Y and of X, and the sum of X * Y. */
  public record Sums(long n, double sumY, double sumY2, double sumX, double sumX2, double sumXY) {}

  /** The adjusted arms, theta, and how much variance was removed (0 when theta could not be estimated). */
  public record Result(Statistic a, Statistic b, double theta, double varianceReduction) {}

  private Cuped() {}

  public static Result adjust(Sums a, Sums b) {
    long n = a.n() + b.n();
    double meanX = (a.sumX() + b.sumX()) / n;
    double meanY = (a.sumY() + b.sumY()) / n;
    double varX = ((a.sumX2() + b.sumX2()) - n * meanX * meanX) / (n - 1);
    double covXY = ((a.sumXY() + b.sumXY()) - n * meanX * meanY) / (n - 1);
    double varY = ((a.sumY2() + b.sumY2()) - n * meanY * meanY) / (n - 1);
    if (!(varX > 0) || n < 3) {
      return new Result(plain(a), plain(b), 0, 0);
    }
    double theta = covXY / varX;
    double rho2 = varY > 0 ? covXY * covXY / (varX * varY) : 0;
    return new Result(adjusted(a, theta, meanX), adjusted(b, theta, meanX), theta, rho2);
  }

  private static Statistic plain(Sums s) {
    return new Statistic.SampleMean(s.n(), s.sumY(), s.sumY2());
  }

  /** The sums of Y' = Y - theta (X - m): expanded, so that no unit is needed. */
  private static Statistic adjusted(Sums s, double theta, double m) {
    double sum = s.sumY() - theta * (s.sumX() - s.n() * m);
    // sum of (Y - theta X + theta m)^2
    double c = theta * m;
    double sumSq = s.sumY2() + theta * theta * s.sumX2() + s.n() * c * c - 2 * theta * s.sumXY() + 2 * c * s.sumY() - 2 * theta * c * s.sumX();
    return new Statistic.SampleMean(s.n(), sum, sumSq);
  }
}
