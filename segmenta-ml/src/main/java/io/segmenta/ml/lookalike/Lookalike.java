package io.segmenta.ml.lookalike;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Lookalike audiences: how much each candidate resembles a seed segment, from a model of seed against population.
 * Why a model and not nearest neighbours: a regularised logistic regression of "in the seed" on the features
 * (fitted by Newton-Raphson, i.e. iteratively reweighted least squares; Hastie, Tibshirani and Friedman, "The
 * Elements of Statistical Learning", 4.4.1) learns which features make the seed different and how much, scales
 * linearly in the population (nearest neighbours cost a distance per seed member and candidate), and gives one
 * score per candidate whose order defines the tiers (closest 1 %, 2 %, 5 %, 10 %), as Meta and Google report them.
 * Fitting seed against everyone is positive-unlabelled learning (Elkan and Noto 2008): the scores rank correctly
 * even though some of the population would belong to the seed. Deterministic: no randomness in the fit.
 */
public final class Lookalike {
  private Lookalike() {}

  private static final int CHUNK = 16_384;

  /** The fitted weights (intercept first) and how the fit went. */
  public record Model(double[] weights, int iterations, boolean converged) {
    public double score(double[] x) {
      double z = weights[0];
      for (int j = 0; j < x.length; j++) {
        z += weights[j + 1] * x[j];
      }
      return 1 / (1 + Math.exp(-z));
    }
  }

  /** A tier: the closest {@code share} of the candidates, as their indexes. */
  public record Tier(double share, int[] members) {}

  /** Above this many rows, the fit starts from the optima of every 64th and then every 8th row. */
  static final int WARM_START_ROWS = 200_000;
  private static final int[] STRIDES = {64, 8};

  /**
   * Ridge-penalised logistic regression of seed against everyone by Newton-Raphson, to a step below 1e-8.
   *
   * <p>A seed defined by a rule on the features themselves ({@code net_revenue > 2000}) is nearly separable: the
   * weights grow for a dozen iterations before the ridge holds them. On large inputs those iterations run first on
   * fixed strided subsamples (every 64th, then every 8th row, with the ridge scaled to the sample so that its
   * optimum approximates the full one), and the full data only finishes the fit: same optimum, a few passes over
   * it instead of seventeen. {@link Model#iterations()} counts the passes over all rows.
   */
  public static Model fit(double[][] x, boolean[] seed, double ridge) {
    checkArgument(x.length == seed.length, "one seed flag per row: %s rows, %s flags", x.length, seed.length);
    double[] w = new double[x[0].length + 1];
    if (x.length > WARM_START_ROWS) {
      for (int stride : STRIDES) {
        int m = (x.length + stride - 1) / stride;
        double[][] xs = new double[m][];
        boolean[] ys = new boolean[m];
        int positives = 0;
        for (int i = 0; i < m; i++) {
          xs[i] = x[i * stride];
          ys[i] = seed[i * stride];
          positives += ys[i] ? 1 : 0;
        }
        // A sample with hardly any seed (or non-seed) rows says little about the optimum: start from zero then.
        if (positives >= 50 && m - positives >= 50) {
          w = newton(xs, ys, ridge / stride, w).weights();
        }
      }
    }
    return newton(x, seed, ridge, w);
  }

  private static Model newton(double[][] x, boolean[] seed, double ridge, double[] start) {
    int n = x.length;
    int d = x[0].length + 1;
    double[] w = start.clone();
    int it = 0;
    boolean converged = false;
    while (it < 50 && !converged) {
      it++;
      // Gradient and Hessian summed over fixed chunks on all cores, then added in chunk order: the same result on
      // any machine.
      int chunks = (n + CHUNK - 1) / CHUNK;
      double[][] parts = new double[chunks][];
      double[] wv = w;
      IntStream.range(0, chunks).parallel().forEach(c -> {
        double[] acc = new double[d + d * d];
        // The row with its leading 1 (the intercept's input), so the inner loops have no branch.
        double[] xr = new double[d];
        xr[0] = 1;
        for (int i = c * CHUNK; i < Math.min(n, (c + 1) * CHUNK); i++) {
          System.arraycopy(x[i], 0, xr, 1, d - 1);
          double z = wv[0];
          for (int j = 1; j < d; j++) {
            z += wv[j] * xr[j];
          }
          double p = 1 / (1 + Math.exp(-z));
          double r = (seed[i] ? 1 : 0) - p;
          double s = p * (1 - p);
          for (int a = 0; a < d; a++) {
            double xa = xr[a];
            acc[a] += r * xa;
            double sxa = s * xa;
            int row = d + a * d;
            for (int b = a; b < d; b++) {
              acc[row + b] += sxa * xr[b];
            }
          }
        }
        parts[c] = acc;
      });
      double[] grad = new double[d];
      double[][] hess = new double[d][d];
      for (double[] acc : parts) {
        for (int a = 0; a < d; a++) {
          grad[a] += acc[a];
          for (int b = a; b < d; b++) {
            hess[a][b] += acc[d + a * d + b];
          }
        }
      }
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < a; b++) {
          hess[a][b] = hess[b][a];
        }
        if (a > 0) {
          grad[a] -= ridge * w[a];
          hess[a][a] += ridge;
        }
        hess[a][a] += 1e-9;
      }
      RealMatrix h = new Array2DRowRealMatrix(hess, false);
      double[] step = new CholeskyDecomposition(h, 1e-12, 1e-14).getSolver().solve(new ArrayRealVector(grad, false)).toArray();
      double size = 0;
      for (int j = 0; j < d; j++) {
        w[j] += step[j];
        size = Math.max(size, Math.abs(step[j]));
      }
      converged = size < 1e-8;
    }
    return new Model(w, it, converged);
  }

  /** The closest {@code share} of the eligible candidates for each share, by score; ties go to the lower index. */
  public static List<Tier> tiers(double[] scores, boolean[] eligible, double... shares) {
    int count = 0;
    for (boolean e : eligible) {
      count += e ? 1 : 0;
    }
    double largest = 0;
    for (double sh : shares) {
      largest = Math.max(largest, sh);
    }
    int need = (int) Math.ceil(largest * count);
    // Only the largest tier is sorted: its score threshold is found by selection, and the candidates at or above it
    // (ties at the threshold in index order) are the only ones boxed and ordered.
    double[] eligibleScores = new double[count];
    int e = 0;
    for (int i = 0; i < scores.length; i++) {
      if (eligible[i]) {
        eligibleScores[e++] = scores[i];
      }
    }
    double threshold = need == 0 ? Double.POSITIVE_INFINITY : kthLargest(eligibleScores, need);
    List<Integer> idx = new ArrayList<>(need + 16);
    for (int i = 0; i < scores.length; i++) {
      if (eligible[i] && scores[i] >= threshold) {
        idx.add(i);
      }
    }
    idx.sort((a, b) -> {
      int c = Double.compare(scores[b], scores[a]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    List<Tier> out = new ArrayList<>();
    for (double sh : shares) {
      int m = (int) Math.ceil(sh * count);
      out.add(new Tier(sh, idx.subList(0, m).stream().mapToInt(Integer::intValue).toArray()));
    }
    return out;
  }

  /**
   * The k-th largest value (1-based), by selection; reorders {@code values}. Why not a sort: one order statistic is
   * needed, and Hoare's FIND (partition around a median-of-three pivot, keep the side holding the position) finds it
   * in linear expected time, where sorting a copy of 614,516 candidate scores took a tenth of a lookalike. The
   * partition is three-way, so runs of equal scores end the search at once, and it orders by {@link Double#compare}
   * (NaN above everything, -0.0 below 0.0), the order {@link Arrays#sort(double[])} uses: the value is the one a sort
   * would put at that position.
   */
  static double kthLargest(double[] values, int k) {
    checkArgument(k >= 1 && k <= values.length, "k must be between 1 and %s, got %s", values.length, k);
    int target = values.length - k;
    int lo = 0;
    int hi = values.length - 1;
    while (lo < hi) {
      double pivot = medianOfThree(values[lo], values[(lo + hi) >>> 1], values[hi]);
      int lt = lo;
      int gt = hi;
      int i = lo;
      while (i <= gt) {
        int c = Double.compare(values[i], pivot);
        if (c < 0) {
          swap(values, lt++, i++);
        } else if (c > 0) {
          swap(values, i, gt--);
        } else {
          i++;
        }
      }
      if (target < lt) {
        hi = lt - 1;
      } else if (target > gt) {
        lo = gt + 1;
      } else {
        return values[target];
      }
    }
    return values[target];
  }

  private static double medianOfThree(double a, double b, double c) {
    if (Double.compare(a, b) > 0) {
      double t = a;
      a = b;
      b = t;
    }
    if (Double.compare(b, c) > 0) {
      b = c;
    }
    return Double.compare(a, b) > 0 ? a : b;
  }

  private static void swap(double[] v, int i, int j) {
    double t = v[i];
    v[i] = v[j];
    v[j] = t;
  }

  /** The scores of every row under a model. */
  public static double[] scores(Model m, double[][] x) {
    // Each row's score depends on that row alone, and toArray keeps row order: the same on any number of cores.
    return Arrays.stream(x).parallel().mapToDouble(m::score).toArray();
  }
}
