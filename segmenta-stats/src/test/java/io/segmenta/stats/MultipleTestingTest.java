package io.segmenta.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MultipleTestingTest {
  static final double[] P = {0.01, 0.04, 0.03, 0.005};

  @Test
  void holm_byHand() {
    // sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04; running max 0.02, 0.03, 0.06, 0.06
    assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02}, MultipleTesting.holm(P), 1e-12);
  }

  @Test
  void benjaminiHochberg_byHand() {
    // sorted times m / rank = 0.02, 0.02, 0.04, 0.04; running min from the end gives the same
    assertArrayEquals(new double[] {0.02, 0.04, 0.04, 0.02}, MultipleTesting.benjaminiHochberg(P), 1e-12);
  }

  @Test
  void corrections_neverLowerAPValueAndIgnoreNaN() {
    double[] p = {0.2, Double.NaN, 0.001, 0.9};
    double[] h = MultipleTesting.holm(p);
    double[] b = MultipleTesting.benjaminiHochberg(p);
    assertTrue(Double.isNaN(h[1]) && Double.isNaN(b[1]));
    for (int i : new int[] {0, 2, 3}) {
      assertTrue(h[i] >= p[i] && b[i] >= p[i] && h[i] >= b[i]);
    }
  }
}
