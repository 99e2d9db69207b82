package io.segmenta.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

  @Test
  void independence_withOneGroupIsADiagnostic() {
    assertFalse(ContingencyTest.independence(new long[][] {{5, 3}, {0, 0}}).ok());
  }
}
