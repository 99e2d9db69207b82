package io.segmenta.ml.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Two long, thin, parallel groups: k-means cuts across them, the Gaussian mixture finds them. */
class GaussianMixtureTest {
  static double[][] data(int[] truth) {
    SplittableRandom r = new SplittableRandom(5);
    double[][] x = new double[truth.length][];
    for (int i = 0; i < truth.length; i++) {
      truth[i] = i % 2;
      x[i] = new double[] {r.nextGaussian() * 10, truth[i] * 3 + r.nextGaussian() * 0.5};
    }
    return x;
  }

  /** Agreement with the truth under the better of the two label matchings. */
  static double agreement(int[] truth, int[] labels) {
    int same = 0;
    for (int i = 0; i < truth.length; i++) {
      same += truth[i] == labels[i] ? 1 : 0;
    }
    return Math.max(same, truth.length - same) / (double) truth.length;
  }

  @Test
  void fit_findsElongatedGroupsKMeansCutsAcross() {
    int[] truth = new int[2000];
    double[][] x = data(truth);
    GaussianMixture.Fit g = GaussianMixture.fit(x, 2, 500);
    double gmm = agreement(truth, g.clustering().labels());
    double km = agreement(truth, KMeans.fit(x, 2, 42, 10, 300).labels());
    assertTrue(gmm > 0.98, "the mixture separates the two groups: " + gmm);
    assertTrue(km < 0.8, "k-means cuts across them: " + km);
  }

  @Test
  void bic_prefersTheTrueNumberOfGroups() {
    int[] truth = new int[2000];
    double[][] x = data(truth);
    double one = GaussianMixture.fit(x, 1, 500).bic();
    double two = GaussianMixture.fit(x, 2, 500).bic();
    assertTrue(two < one, "BIC at k = 2 (" + two + ") is below k = 1 (" + one + ")");
  }

  @Test
  void fit_isDeterministic() {
    int[] truth = new int[500];
    double[][] x = data(truth);
    assertEquals(GaussianMixture.fit(x, 2, 200).logLikelihood(), GaussianMixture.fit(x, 2, 200).logLikelihood());
  }
}
