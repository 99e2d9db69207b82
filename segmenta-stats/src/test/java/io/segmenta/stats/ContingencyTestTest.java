package io.segmenta.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

class ContingencyTestTest {
  /**
   * A 2 x 3 table of party identification by gender; the golden values are scipy 1.17.1's
   * {@code chi2_contingency(table, correction=False)}: chi-square 12.5692562, p 0.0018647504.
   */
  @Test
  void independence_matchesScipy() {
    ContingencyTest.Result r = ContingencyTest.independence(new long[][] {{495, 272, 590}, {330, 265, 498}});
    assertEquals(12.569256167968339, r.chiSquare(), 1e-9);
    assertEquals(2, r.degreesOfFreedom());
    assertEquals(0.0018647503713553623, r.pValue(), 1e-9);
  }

  /**
   * Agresti, "Categorical Data Analysis" (2nd ed., table 3.1 / 3rd ed., table 3.2): party identification by gender,
   * chi-square 30.07 on 2 degrees of freedom; checked to 5 decimals against commons-math3's own
   * {@code ChiSquareTest}, an independent implementation.
   */
  @Test
  void independence_matchesAgrestiAndCommonsMath() {
    long[][] table = {{762, 327, 468}, {484, 239, 477}};
    ContingencyTest.Result r = ContingencyTest.independence(table);
    assertEquals(30.07015, r.chiSquare(), 5e-6);
    assertEquals(2, r.degreesOfFreedom());
    assertEquals(new ChiSquareTest().chiSquare(table), r.chiSquare(), 1e-9);
    assertEquals(new ChiSquareTest().chiSquareTest(table), r.pValue(), 1e-12);
    assertEquals(2.95359e-7, r.pValue(), 5e-12);
  }

  @Test
  void independence_withOneGroupIsADiagnostic() {
    assertFalse(ContingencyTest.independence(new long[][] {{5, 3}, {0, 0}}).ok());
  }
}
