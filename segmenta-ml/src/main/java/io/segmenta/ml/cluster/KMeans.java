package io.segmenta.ml.cluster;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * k-means: Lloyd's algorithm (Lloyd 1982, "Least squares quantization in PCM") from k-means++ seeds (Arthur and
 * Vassilvitskii 2007, "k-means++: the advantages of careful seeding": each next seed drawn with probability
 * proportional to its squared distance from the nearest seed so far), run to convergence from several seeds and
 * the lowest inertia kept, as scikit-learn's KMeans does. Seeded: the same data, k, seed and restarts give the same
 * clustering. Ties in assignment go to the lower cluster index; an emptied cluster is re-seeded with the point
 * farthest from its centroid.
 */
public final class KMeans {
  private KMeans() {}

  public static Clustering fit(double[][] x, int k, long seed, int restarts, int maxIterations) {
    checkArgument(x.length > 0, "k-means needs points, got none");
    checkArgument(k >= 1 && k <= x.length, "k must be between 1 and the number of points (%s), got %s", x.length, k);
    checkArgument(restarts >= 1, "restarts must be at least 1, got %s", restarts);
    SplittableRandom rng = new SplittableRandom(seed);
    Clustering best = null;
    for (int r = 0; r < restarts; r++) {
      Clustering c = once(x, k, rng.split(), maxIterations, seed, restarts);
      if (best == null || c.inertia() < best.inertia()) {
        best = c;
      }
    }
    return best;
  }

  private static Clustering once(double[][] x, int k, SplittableRandom rng, int maxIterations, long seed, int restarts) {
    int n = x.length;
    int d = x[0].length;
    double[][] c = seeds(x, k, rng);
    int[] labels = new int[n];
    int iterations = 0;
    boolean changed = true;
    while (changed && iterations < maxIterations) {
      iterations++;
      changed = false;
      for (int i = 0; i < n; i++) {
        int l = nearest(x[i], c);
        if (l != labels[i] || iterations == 1) {
          changed |= l != labels[i];
          labels[i] = l;
        }
      }
      double[][] sum = new double[k][d];
      int[] count = new int[k];
      for (int i = 0; i < n; i++) {
        count[labels[i]]++;
        for (int j = 0; j < d; j++) {
          sum[labels[i]][j] += x[i][j];
        }
      }
      for (int m = 0; m < k; m++) {
        if (count[m] == 0) {
          int far = farthest(x, c, labels);
          c[m] = x[far].clone();
          labels[far] = m;
          changed = true;
          continue;
        }
        for (int j = 0; j < d; j++) {
          c[m][j] = sum[m][j] / count[m];
        }
      }
    }
    double inertia = 0;
    for (int i = 0; i < n; i++) {
      inertia += dist2(x[i], c[labels[i]]);
    }
    List<double[]> cs = new ArrayList<>();
    for (double[] v : c) {
      cs.add(v.clone());
    }
    return new Clustering(cs, labels, inertia, seed, restarts, iterations);
  }

  static double[][] seeds(double[][] x, int k, SplittableRandom rng) {
    int n = x.length;
    double[][] c = new double[k][];
    c[0] = x[rng.nextInt(n)].clone();
    double[] d2 = new double[n];
    for (int i = 0; i < n; i++) {
      d2[i] = dist2(x[i], c[0]);
    }
    for (int m = 1; m < k; m++) {
      double total = 0;
      for (double v : d2) {
        total += v;
      }
      int pick = 0;
      if (total > 0) {
        double u = rng.nextDouble() * total;
        double acc = 0;
        for (int i = 0; i < n; i++) {
          acc += d2[i];
          if (acc >= u) {
            pick = i;
            break;
          }
        }
      } else {
        pick = rng.nextInt(n);
      }
      c[m] = x[pick].clone();
      for (int i = 0; i < n; i++) {
        d2[i] = Math.min(d2[i], dist2(x[i], c[m]));
      }
    }
    return c;
  }

  static int nearest(double[] p, double[][] c) {
    int best = 0;
    double bd = Double.POSITIVE_INFINITY;
    for (int m = 0; m < c.length; m++) {
      double dd = dist2(p, c[m]);
      if (dd < bd) {
        bd = dd;
        best = m;
      }
    }
    return best;
  }

  private static int farthest(double[][] x, double[][] c, int[] labels) {
    int far = 0;
    double fd = -1;
    for (int i = 0; i < x.length; i++) {
      double dd = dist2(x[i], c[labels[i]]);
      if (dd > fd) {
        fd = dd;
        far = i;
      }
    }
    return far;
  }

  static double dist2(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      double t = a[j] - b[j];
      s += t * t;
    }
    return s;
  }

  /**
   * The mean silhouette (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and validation of
   * cluster analysis"): for each point, (b - a) / max(a, b) with a its mean distance to its own cluster and b to the
   * nearest other; 0 for a point alone in its cluster. Exact, O(n^2): for samples of a few thousand points.
   */
  public static double silhouette(double[][] x, int[] labels, int k) {
    int n = x.length;
    int[] size = new int[k];
    for (int l : labels) {
      size[l]++;
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double[] sum = new double[k];
      for (int j = 0; j < n; j++) {
        if (j != i) {
          sum[labels[j]] += Math.sqrt(dist2(x[i], x[j]));
        }
      }
      int own = labels[i];
      if (size[own] <= 1) {
        continue;
      }
      double a = sum[own] / (size[own] - 1);
      double b = Double.POSITIVE_INFINITY;
      for (int m = 0; m < k; m++) {
        if (m != own && size[m] > 0) {
          b = Math.min(b, sum[m] / size[m]);
        }
      }
      total += (b - a) / Math.max(a, b);
    }
    return total / n;
  }
}
