package io.segmenta.stats;

/**
 * The variance of a ratio of two independent means by the delta method (a first-order Taylor expansion; see
 * Deng, Knoblich and Lu 2018, "Applying the delta method in metric analytics", KDD): for the lift B / A - 1,
 * Var = Var(B) / (n_B A^2) + Var(A) B^2 / (n_A A^4).
 */
final class DeltaMethod {
  private DeltaMethod() {}

  static double relativeVariance(Statistic a, Statistic b) {
    double ma = a.mean();
    double mb = b.mean();
    return b.variance() / (ma * ma * b.n()) + a.variance() * mb * mb / (Math.pow(ma, 4) * a.n());
  }
}
