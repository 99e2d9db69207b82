package io.segmenta.ml.clv;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.commons.math3.special.Gamma;

/**
 * The BG/NBD model of repeat buying (Fader, Hardie and Lee 2005, "Counting your customers the easy way: an
 * alternative to the Pareto/NBD model", Marketing Science 24(2):275-284). While alive, a customer buys as a
 * Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).
 *
 * <p>Why this model: it needs only (x, tx, T) per customer, fits in seconds by maximum likelihood, and gives the
 * two numbers a marketer acts on: expected purchases in a horizon and the probability that a customer is still
 * "alive" (churn risk is its complement). The likelihood is equation (6) of the paper, computed in log space;
 * the conditional expectation is equation (10), whose Gaussian hypergeometric function is summed as a series
 * (its argument t / (α + T + t) is below 1).
 */
public final class BgNbd {
  /** Fewer repeat buyers than this and the fit is reported as too thin to trust. */
  public static final int MIN_REPEAT_BUYERS = 30;

  private final double r;
  private final double alpha;
  private final double a;
  private final double b;

  public BgNbd(double r, double alpha, double a, double b) {
    checkArgument(r > 0 && alpha > 0 && a > 0 && b > 0, "BG/NBD parameters must be positive, got r=%s alpha=%s a=%s b=%s", r, alpha, a, b);
    this.r = r;
    this.alpha = alpha;
    this.a = a;
    this.b = b;
  }

  public double r() {
    return r;
  }

  public double alpha() {
    return alpha;
  }

  public double a() {
    return a;
  }

  public double b() {
    return b;
  }

  /** Fits the model by maximum likelihood, or says why it would not be trustworthy. */
  public static ModelFit<BgNbd> fit(List<PurchaseSummary> customers) {
    int n = customers.size();
    // Customers with the same (x, tx, T) contribute the same term: fit on distinct triples with weights (with
    // day-granular data a million customers make a few tens of thousands of triples).
    Map<List<Double>, int[]> distinct = new LinkedHashMap<>();
    int repeat = 0;
    for (PurchaseSummary c : customers) {
      distinct.computeIfAbsent(List.of((double) c.x(), c.tx(), c.T()), k -> new int[1])[0]++;
      if (c.x() > 0) {
        repeat++;
      }
    }
    if (repeat < MIN_REPEAT_BUYERS) {
      return new ModelFit<>(null, "too thin: " + repeat + " repeat buyers among " + n + " customers; the fit needs at least "
          + MIN_REPEAT_BUYERS + " to be trusted", n, repeat, Double.NaN, 0, Likelihoods.METHOD);
    }
    int m = distinct.size();
    int[] x = new int[m];
    double[] tx = new double[m];
    double[] t = new double[m];
    double[] w = new double[m];
    int i = 0;
    for (Map.Entry<List<Double>, int[]> e : distinct.entrySet()) {
      x[i] = e.getKey().get(0).intValue();
      tx[i] = e.getKey().get(1);
      t[i] = e.getKey().get(2);
      w[i] = e.getValue()[0];
      i++;
    }
    Times times = new Times(tx, t);
    Likelihoods.Optimum o = Likelihoods.maximise(p -> logLikelihood(p, x, times, w), new double[] {1, 1, 1, 1});
    double[] p = o.params();
    return new ModelFit<>(new BgNbd(p[0], p[1], p[2], p[3]), "ok", n, repeat, o.logLikelihood(), o.evaluations(), Likelihoods.METHOD);
  }

  /**
   * The times of the customers as indexes into their distinct values: log(alpha + T) and log(alpha + tx) are then
   * computed once per distinct value and evaluation, not once per customer (with day-granular data a few hundred
   * values serve hundreds of thousands of customers).
   */
  static final class Times {
    final double[] values;
    final int[] tIndex;
    final int[] txIndex;

    Times(double[] tx, double[] t) {
      TreeSet<Double> all = new TreeSet<>();
      for (int i = 0; i < t.length; i++) {
        all.add(t[i]);
        all.add(tx[i]);
      }
      values = all.stream().mapToDouble(Double::doubleValue).toArray();
      tIndex = new int[t.length];
      txIndex = new int[t.length];
      for (int i = 0; i < t.length; i++) {
        tIndex[i] = Arrays.binarySearch(values, t[i]);
        txIndex[i] = Arrays.binarySearch(values, tx[i]);
      }
    }
  }

  /** The log-likelihood of parameters (r, alpha, a, b) over all customers (weighted distinct triples). */
  static double logLikelihood(double[] p, int[] x, double[] tx, double[] t, double[] weight) {
    return logLikelihood(p, x, new Times(tx, t), weight);
  }

  static double logLikelihood(double[] p, int[] x, Times times, double[] weight) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    int maxX = 0;
    for (int xi : x) {
      maxX = Math.max(maxX, xi);
    }
    // The gamma-function terms depend on x only: one value per distinct x; likewise log(a / (b + x - 1)).
    double[] byX = new double[maxX + 1];
    double[] dropX = new double[maxX + 1];
    double common = -Gamma.logGamma(r) + r * Math.log(alpha) + Gamma.logGamma(a + b) - Gamma.logGamma(b);
    for (int k = 0; k <= maxX; k++) {
      byX[k] = Gamma.logGamma(r + k) + Gamma.logGamma(b + k) - Gamma.logGamma(a + b + k) + common;
      dropX[k] = k == 0 ? 0 : Math.log(a) - Math.log(b + k - 1);
    }
    double[] logAt = new double[times.values.length];
    for (int k = 0; k < logAt.length; k++) {
      logAt[k] = Math.log(alpha + times.values[k]);
    }
    // Sum in two halves in parallel: the terms are independent and a large store has hundreds of thousands.
    int n = x.length;
    if (n < 50_000) {
      return partial(0, n, r, byX, dropX, logAt, x, times, weight);
    }
    int mid = n / 2;
    CompletableFuture<Double> first = CompletableFuture.supplyAsync(
        () -> partial(0, mid, r, byX, dropX, logAt, x, times, weight));
    double second = partial(mid, n, r, byX, dropX, logAt, x, times, weight);
    return first.join() + second;
  }

  private static double partial(int from, int to, double r, double[] byX, double[] dropX, double[] logAt, int[] x,
      Times times, double[] weight) {
    double ll = 0;
    for (int i = from; i < to; i++) {
      int xi = x[i];
      double a3 = -(r + xi) * logAt[times.tIndex[i]];
      double term = a3;
      if (xi > 0) {
        double a4 = dropX[xi] - (r + xi) * logAt[times.txIndex[i]];
        double hi = Math.max(a3, a4);
        term = hi + Math.log1p(Math.exp(Math.min(a3, a4) - hi));
      }
      ll += weight[i] * (byX[xi] + term);
    }
    return ll;
  }

  /** P(alive | x, tx, T): the probability that the customer has not dropped out by T. */
  public double probabilityAlive(int x, double tx, double T) {
    if (x == 0) {
      return 1.0;
    }
    return 1.0 / (1.0 + (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))));
  }

  /** E[purchases in (T, T + t] | x, tx, T]: equation (10) of Fader, Hardie and Lee (2005). */
  public double expectedPurchases(double t, int x, double tx, double T) {
    checkArgument(t >= 0, "horizon must be >= 0, got %s", t);
    double z = t / (alpha + T + t);
    double head = (a + b + x - 1) / (a - 1);
    double tail = 1 - Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t))) * hypergeometric2F1(r + x, b + x, a + b + x - 1, z);
    double denominator = 1 + (x > 0 ? (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))) : 0);
    return head * tail / denominator;
  }

  /** Gauss's hypergeometric series 2F1(a, b; c; z) for |z| < 1, summed until the terms vanish. */
  static double hypergeometric2F1(double a, double b, double c, double z) {
    checkArgument(Math.abs(z) < 1, "the series needs |z| < 1, got %s", z);
    double sum = 1;
    double term = 1;
    for (int k = 0; k < 100_000; k++) {
      term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
      sum += term;
      if (Math.abs(term) < 1e-16 * Math.abs(sum)) {
        return sum;
      }
    }
    throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge");
  }

  @Override
  public String toString() {
    return String.format("BG/NBD(r=%.6f, alpha=%.6f, a=%.6f, b=%.6f)", r, alpha, a, b);
  }
}
