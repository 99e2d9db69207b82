package io.segmenta.ml.clv;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * The Gamma-Gamma model of spend per transaction (Fader and Hardie 2013, "The Gamma-Gamma model of monetary
 * value", note 025; after Schmittlein and Peterson 1994): a customer's transaction values are Gamma(p, ν) with
 * ν ~ Gamma(q, γ) across customers, independent of how often they buy.
 *
 * <p>Why: the mean of a customer's few past purchases is a noisy estimate of what they will spend; the model
 * shrinks it towards the population mean, more so the fewer purchases there are. Fitted on customers with repeat
 * purchases (x > 0) and their mean repeat value; the likelihood is equation (1) of the note in log space.
 */
public final class GammaGamma {
  private final double p;
  private final double q;
  private final double gamma;

  public GammaGamma(double p, double q, double gamma) {
    checkArgument(p > 0 && q > 1 && gamma > 0, "Gamma-Gamma needs p > 0, q > 1, gamma > 0, got p=%s q=%s gamma=%s", p, q, gamma);
    this.p = p;
    this.q = q;
    this.gamma = gamma;
  }

  public double p() {
    return p;
  }

  public double q() {
    return q;
  }

  public double gamma() {
    return gamma;
  }

  public static ModelFit<GammaGamma> fit(List<PurchaseSummary> customers) {
    List<PurchaseSummary> repeat = new ArrayList<>();
    for (PurchaseSummary c : customers) {
      if (c.x() > 0 && c.mbar() > 0) {
        repeat.add(c);
      }
    }
    int n = customers.size();
    if (repeat.size() < BgNbd.MIN_REPEAT_BUYERS) {
      return new ModelFit<>(null, "too thin: " + repeat.size() + " customers with repeat purchases of positive value; the fit needs at least "
          + BgNbd.MIN_REPEAT_BUYERS, n, repeat.size(), Double.NaN, 0, Likelihoods.METHOD);
    }
    int m = repeat.size();
    double[] x = new double[m];
    double[] mbar = new double[m];
    for (int i = 0; i < m; i++) {
      x[i] = repeat.get(i).x();
      mbar[i] = repeat.get(i).mbar();
    }
    Likelihoods.Optimum o = Likelihoods.maximise(par -> logLikelihood(par, x, mbar), new double[] {1, 2, 1});
    double[] par = o.params();
    if (par[1] <= 1) {
      return new ModelFit<>(null, "the fitted q is " + par[1] + " (must exceed 1 for a finite expected spend); the spend data does not suit the model",
          n, m, o.logLikelihood(), o.evaluations(), Likelihoods.METHOD);
    }
    return new ModelFit<>(new GammaGamma(par[0], par[1], par[2]), "ok", n, m, o.logLikelihood(), o.evaluations(), Likelihoods.METHOD);
  }

  static double logLikelihood(double[] par, double[] x, double[] mbar) {
    double p = par[0];
    double q = par[1];
    double g = par[2];
    double common = -Gamma.logGamma(q) + q * Math.log(g);
    // The gamma-function terms depend on x (a whole number of repeat purchases) only.
    int maxX = 0;
    for (double xi : x) {
      maxX = Math.max(maxX, (int) xi);
    }
    double[] byX = new double[maxX + 1];
    for (int k = 1; k <= maxX; k++) {
      byX[k] = Gamma.logGamma(p * k + q) - Gamma.logGamma(p * k) + p * k * Math.log(k);
    }
    double ll = 0;
    for (int i = 0; i < x.length; i++) {
      double px = p * x[i];
      ll += byX[(int) x[i]] + common + (px - 1) * Math.log(mbar[i]) - (px + q) * Math.log(g + x[i] * mbar[i]);
    }
    return ll;
  }

  /** E[M | x, mbar]: the expected value of a future transaction; the population mean when x = 0. */
  public double expectedAverageSpend(int x, double mbar) {
    if (x == 0) {
      return p * gamma / (q - 1);
    }
    return p * (gamma + x * mbar) / (p * x + q - 1);
  }

  @Override
  public String toString() {
    return String.format("Gamma-Gamma(p=%.6f, q=%.6f, gamma=%.6f)", p, q, gamma);
  }
}
