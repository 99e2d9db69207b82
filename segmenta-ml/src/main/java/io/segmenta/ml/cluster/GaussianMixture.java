package io.segmenta.ml.cluster;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.MixtureMultivariateNormalDistribution;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.distribution.fitting.MultivariateNormalMixtureExpectationMaximization;
import org.apache.commons.math3.util.Pair;

/**
 * Gaussian mixture clustering, for groups k-means cannot see: each cluster has its own full covariance, so
 * elongated or tilted groups are found where k-means (which assumes round, equal clusters) cuts across them.
 * Fitted by expectation-maximisation (Dempster, Laird and Rubin 1977) with Apache Commons Math 3's implementation,
 * started from its deterministic initial estimate (the data sorted by mean and cut into k parts), so the same data
 * give the same mixture. Points go to the component of highest posterior; the Bayesian information criterion
 * (Schwarz 1978) is reported for choosing k.
 */
public final class GaussianMixture {
  private GaussianMixture() {}

  /** The clustering, the mixture's log-likelihood and its BIC (lower is better). */
  public record Fit(Clustering clustering, double logLikelihood, double bic) {}

  public static Fit fit(double[][] x, int k, int maxIterations) {
    checkArgument(k >= 1 && k <= x.length, "k must be between 1 and the number of points (%s), got %s", x.length, k);
    List<Pair<Double, MultivariateNormalDistribution>> components;
    double ll;
    if (k == 1) {
      // One component is one Gaussian: its maximum-likelihood mean and covariance, no iterations.
      double[] mean = new double[x[0].length];
      for (double[] p : x) {
        for (int j = 0; j < mean.length; j++) {
          mean[j] += p[j] / x.length;
        }
      }
      double[][] cov = new org.apache.commons.math3.stat.correlation.Covariance(x, false).getCovarianceMatrix().getData();
      MultivariateNormalDistribution one = new MultivariateNormalDistribution(mean, cov);
      components = List.of(new Pair<>(1.0, one));
      double sum = 0;
      for (double[] p : x) {
        sum += Math.log(one.density(p));
      }
      ll = sum;
    } else {
      MultivariateNormalMixtureExpectationMaximization em = new MultivariateNormalMixtureExpectationMaximization(x);
      em.fit(MultivariateNormalMixtureExpectationMaximization.estimate(x, k), maxIterations, 1e-6);
      MixtureMultivariateNormalDistribution model = em.getFittedModel();
      components = model.getComponents();
      ll = em.getLogLikelihood() * x.length;
    }
    int[] labels = new int[x.length];
    double inertia = 0;
    List<double[]> means = new ArrayList<>();
    components.forEach(c -> means.add(c.getSecond().getMeans()));
    for (int i = 0; i < x.length; i++) {
      int best = 0;
      double bp = Double.NEGATIVE_INFINITY;
      for (int m = 0; m < components.size(); m++) {
        double p = components.get(m).getFirst() * components.get(m).getSecond().density(x[i]);
        if (p > bp) {
          bp = p;
          best = m;
        }
      }
      labels[i] = best;
      inertia += KMeans.dist2(x[i], means.get(best));
    }
    int d = x[0].length;
    int parameters = k * (d + d * (d + 1) / 2) + (k - 1);
    double bic = parameters * Math.log(x.length) - 2 * ll;
    return new Fit(new Clustering(means, labels, inertia, 0, 1, maxIterations), ll, bic);
  }
}
