package io.segmenta.ml.lookalike;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  public static Model fit(double[][] x, boolean[] seed, double ridge) {
    checkArgument(x.length == seed.length, "one seed flag per row: %s rows, %s flags", x.length, seed.length);
    int n = x.length;
    int d = x[0].length + 1;
    double[] w = new double[d];
    int it = 0;
    boolean converged = false;
    while (it < 50 && !converged) {
      it++;
      double[] grad = new double[d];
      double[][] hess = new double[d][d];
      for (int i = 0; i < n; i++) {
        double z = w[0];
        for (int j = 1; j < d; j++) {
          z += w[j] * x[i][j - 1];
        }
        double p = 1 / (1 + Math.exp(-z));
        double r = (seed[i] ? 1 : 0) - p;
        double s = p * (1 - p);
        for (int a = 0; a < d; a++) {
          double xa = a == 0 ? 1 : x[i][a - 1];
          grad[a] += r * xa;
          for (int b = a; b < d; b++) {
            hess[a][b] += s * xa * (b == 0 ? 1 : x[i][b - 1]);
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
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      if (eligible[i]) {
        idx.add(i);
      }
    }
    idx.sort((a, b) -> {
      int c = Double.compare(scores[b], scores[a]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    List<Tier> out = new ArrayList<>();
    for (double s : shares) {
      int m = (int) Math.ceil(s * idx.size());
      out.add(new Tier(s, idx.subList(0, m).stream().mapToInt(Integer::intValue).toArray()));
    }
    return out;
  }

  /** The scores of every row under a model. */
  public static double[] scores(Model m, double[][] x) {
    return Arrays.stream(x).mapToDouble(m::score).toArray();
  }
}
