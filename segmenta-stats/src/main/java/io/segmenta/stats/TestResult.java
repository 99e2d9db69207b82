package io.segmenta.stats;

/**
 * The outcome of a frequentist comparison of treatment (B) with control (A): the estimated effect (absolute
 * difference, or relative lift), its standard error, the p-value, the confidence interval and the degrees of
 * freedom used. When the data cannot support the test, the numbers are NaN and {@code diagnostic} says why.
 */
public record TestResult(double estimate, double standardError, double pValue, double ciLow, double ciHigh,
    double degreesOfFreedom, String diagnostic) {

  public boolean ok() {
    return diagnostic.equals("ok");
  }

  static TestResult degenerate(String why) {
    return new TestResult(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, why);
  }
}
