package io.segmenta.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Pearson's chi-square test of independence for a table of counts (Pearson 1900; Agresti, "Categorical Data
 * Analysis", 3rd ed., 3.2): do the answers differ between the groups? Rows or columns with no counts are dropped
 * first; a table left with fewer than two rows or columns, or with expected counts under 1, gives a diagnostic
 * instead of a p-value to trust.
 */
public final class ContingencyTest {
  private ContingencyTest() {}

  public record Result(double chiSquare, int degreesOfFreedom, double pValue, String diagnostic) {
    public boolean ok() {
      return diagnostic.equals("ok");
    }
  }

  public static Result independence(long[][] counts) {
    int rows = counts.length;
    int cols = rows == 0 ? 0 : counts[0].length;
    long[] rowSum = new long[rows];
    long[] colSum = new long[cols];
    long total = 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        rowSum[i] += counts[i][j];
        colSum[j] += counts[i][j];
        total += counts[i][j];
      }
    }
    int r = 0;
    for (long s : rowSum) {
      r += s > 0 ? 1 : 0;
    }
    int c = 0;
    for (long s : colSum) {
      c += s > 0 ? 1 : 0;
    }
    if (r < 2 || c < 2) {
      return new Result(Double.NaN, 0, Double.NaN, "needs at least two groups and two answers with counts, got " + r + " and " + c);
    }
    double chi = 0;
    double minExpected = Double.POSITIVE_INFINITY;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        if (rowSum[i] == 0 || colSum[j] == 0) {
          continue;
        }
        double e = (double) rowSum[i] * colSum[j] / total;
        minExpected = Math.min(minExpected, e);
        chi += (counts[i][j] - e) * (counts[i][j] - e) / e;
      }
    }
    int df = (r - 1) * (c - 1);
    double p = 1 - new ChiSquaredDistribution(null, df).cumulativeProbability(chi);
    return new Result(chi, df, p, minExpected < 1 ? "some expected counts are below 1; the chi-square approximation is rough" : "ok");
  }
}
