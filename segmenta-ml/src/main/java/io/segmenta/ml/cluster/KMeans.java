package io.segmenta.ml.cluster;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * k-means: Lloyd's algorithm (Lloyd 1982, "Least squares quantization in PCM") from k-means++ seeds (Arthur and
 * Vassilvitskii 2007, "k-means++: the advantages of careful seeding": each next seed drawn with probability
 * proportional to its squared distance from the nearest seed so far), run to convergence from several seeds and
 * the lowest inertia kept, as scikit-learn's KMeans does. Seeding is the greedy variant scikit-learn uses (2 + ln k
 * candidates per step, the one that lowers the potential most), which avoids most merged-cluster starts. With a
 * tolerance, a start stops when the centroids move less than {@code tol} times the data's mean variance (scikit-
 * learn's rule); with 0 it runs until no point changes cluster. The assignment step runs on all cores in fixed
 * chunks whose sums are added in order, so results do not depend on the machine. Seeded: the same data, k, seed,
 * restarts and tolerance give the same clustering. Ties go to the lower cluster index; an emptied cluster is
 * re-seeded with the point farthest from its centroid.
 */
public final class KMeans {
  private KMeans() {}

  public static Clustering fit(double[][] x, int k, long seed, int restarts, int maxIterations) {
    return fit(x, k, seed, restarts, maxIterations, 0);
  }

  public static Clustering fit(double[][] x, int k, long seed, int restarts, int maxIterations, double tol) {
    checkArgument(x.length > 0, "k-means needs points, got none");
    checkArgument(k >= 1 && k <= x.length, "k must be between 1 and the number of points (%s), got %s", x.length, k);
    checkArgument(restarts >= 1, "restarts must be at least 1, got %s", restarts);
    SplittableRandom rng = new SplittableRandom(seed);
    Clustering best = null;
    for (int r = 0; r < restarts; r++) {
      Clustering c = once(x, k, rng.split(), maxIterations, seed, restarts, tol * meanVariance(x));
      if (best == null || c.inertia() < best.inertia()) {
        best = c;
      }
    }
    return best;
  }

  private static final int CHUNK = 8192;

  private static double meanVariance(double[][] x) {
    int d = x[0].length;
    double total = 0;
    for (int j = 0; j < d; j++) {
      double mean = 0;
      for (double[] p : x) {
        mean += p[j];
      }
      mean /= x.length;
      double v = 0;
      for (double[] p : x) {
        v += (p[j] - mean) * (p[j] - mean);
      }
      total += v / x.length;
    }
    return total / d;
  }

  private static Clustering once(double[][] x, int k, SplittableRandom rng, int maxIterations, long seed, int restarts, double shiftLimit) {
    int n = x.length;
    int d = x[0].length;
    double[][] c = seeds(x, k, rng);
    int[] labels = new int[n];
    Arrays.fill(labels, -1);
    int chunks = (n + CHUNK - 1) / CHUNK;
    double[][][] chunkSums = new double[chunks][k][d];
    int[][] chunkCounts = new int[chunks][k];
    boolean[] chunkChanged = new boolean[chunks];
    int iterations = 0;
    boolean changed = true;
    double shift = Double.POSITIVE_INFINITY;
    while (changed && iterations < maxIterations && shift > shiftLimit) {
      iterations++;
      double[][] cc = c;
      IntStream.range(0, chunks).parallel().forEach(b -> {
        double[][] sum = chunkSums[b];
        int[] count = chunkCounts[b];
        for (double[] row : sum) {
          Arrays.fill(row, 0);
        }
        Arrays.fill(count, 0);
        boolean ch = false;
        for (int i = b * CHUNK; i < Math.min(n, (b + 1) * CHUNK); i++) {
          int l = nearest(x[i], cc);
          ch |= l != labels[i];
          labels[i] = l;
          count[l]++;
          for (int j = 0; j < d; j++) {
            sum[l][j] += x[i][j];
          }
        }
        chunkChanged[b] = ch;
      });
      changed = false;
      double[][] sum = new double[k][d];
      int[] count = new int[k];
      for (int b = 0; b < chunks; b++) {
        changed |= chunkChanged[b];
        for (int m = 0; m < k; m++) {
          count[m] += chunkCounts[b][m];
          for (int j = 0; j < d; j++) {
            sum[m][j] += chunkSums[b][m][j];
          }
        }
      }
      double[][] next = new double[k][];
      shift = 0;
      for (int m = 0; m < k; m++) {
        if (count[m] == 0) {
          int far = farthest(x, c, labels);
          next[m] = x[far].clone();
          labels[far] = m;
          changed = true;
          shift = Double.POSITIVE_INFINITY;
          continue;
        }
        next[m] = new double[d];
        for (int j = 0; j < d; j++) {
          next[m][j] = sum[m][j] / count[m];
        }
        shift += dist2(next[m], c[m]);
      }
      c = next;
    }
    // Labels for the final centroids (the loop may stop on the tolerance after moving them).
    double inertia = 0;
    for (int i = 0; i < n; i++) {
      labels[i] = nearest(x[i], c);
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
    int trials = 2 + (int) Math.log(k);
    double[][] c = new double[k][];
    c[0] = x[rng.nextInt(n)].clone();
    double[] d2 = new double[n];
    for (int i = 0; i < n; i++) {
      d2[i] = dist2(x[i], c[0]);
    }
    double[] candidate = new double[n];
    double[] best = new double[n];
    for (int m = 1; m < k; m++) {
      double total = 0;
      for (double v : d2) {
        total += v;
      }
      int pick = -1;
      double bestPotential = Double.POSITIVE_INFINITY;
      for (int t = 0; t < trials; t++) {
        int p = total > 0 ? draw(d2, total, rng.nextDouble() * total) : rng.nextInt(n);
        double potential = 0;
        for (int i = 0; i < n; i++) {
          candidate[i] = Math.min(d2[i], dist2(x[i], x[p]));
          potential += candidate[i];
        }
        if (potential < bestPotential) {
          bestPotential = potential;
          pick = p;
          System.arraycopy(candidate, 0, best, 0, n);
        }
      }
      c[m] = x[pick].clone();
      System.arraycopy(best, 0, d2, 0, n);
    }
    return c;
  }

  private static int draw(double[] d2, double total, double u) {
    double acc = 0;
    for (int i = 0; i < d2.length; i++) {
      acc += d2[i];
      if (acc >= u) {
        return i;
      }
    }
    return d2.length - 1;
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
