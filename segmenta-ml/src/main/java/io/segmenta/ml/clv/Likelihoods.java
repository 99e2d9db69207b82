package io.segmenta.ml.clv;

import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Maximises a log-likelihood over positive parameters. The search runs on their logarithms (so positivity needs
 * no constraint and scales are comparable): BOBYQA (Powell 2009) finds the region, then Nelder-Mead polishes to a
 * tight tolerance, because the published parameters are quoted to three decimals and BOBYQA alone can stop short.
 */
final class Likelihoods {
  static final String METHOD = "maximum likelihood over log-parameters: BOBYQA (commons-math3) then Nelder-Mead to 1e-10";

  record Optimum(double[] params, double logLikelihood, int evaluations) {}

  private Likelihoods() {}

  static Optimum maximise(ToDoubleFunction<double[]> logLikelihood, double[] start) {
    int n = start.length;
    int[] evals = {0};
    MultivariateFunction f = theta -> {
      evals[0]++;
      double[] p = new double[n];
      for (int i = 0; i < n; i++) {
        p[i] = Math.exp(theta[i]);
      }
      double ll = logLikelihood.applyAsDouble(p);
      return Double.isFinite(ll) ? ll : -1e300;
    };
    double[] theta0 = new double[n];
    double[] lower = new double[n];
    double[] upper = new double[n];
    for (int i = 0; i < n; i++) {
      theta0[i] = Math.log(start[i]);
      lower[i] = -15;
      upper[i] = 15;
    }
    PointValuePair coarse = new BOBYQAOptimizer(2 * n + 1, 0.5, 1e-8).optimize(new MaxEval(20_000), new ObjectiveFunction(f),
        GoalType.MAXIMIZE, new InitialGuess(theta0), new SimpleBounds(lower, upper));
    PointValuePair fine = new SimplexOptimizer(1e-10, 1e-10).optimize(new MaxEval(20_000), new ObjectiveFunction(f),
        GoalType.MAXIMIZE, new InitialGuess(coarse.getPoint()), new NelderMeadSimplex(n, 0.01));
    PointValuePair best = fine.getValue() >= coarse.getValue() ? fine : coarse;
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp(best.getPoint()[i]);
    }
    return new Optimum(p, best.getValue(), evals[0]);
  }
}
