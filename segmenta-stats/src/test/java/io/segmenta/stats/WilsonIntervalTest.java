package io.segmenta.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WilsonIntervalTest {
  /**
   * Newcombe (1998), Statistics in Medicine 17, table I, method 3 (score interval without continuity correction),
   * printed to 4 decimals: 81/263 gives 0.2553-0.3662, 15/148 0.0624-0.1605, 0/20 0-0.1611, 1/29 0.0061-0.1718. The
   * 5-decimal golden values are scipy 1.17.1's {@code binomtest(x, n).proportion_ci(method='wilson')}.
   */
  @Test
  void of_matchesNewcombeAndScipy() {
    check(81, 263, 0.25529, 0.36621);
    check(15, 148, 0.06239, 0.16049);
    check(0, 20, 0.0, 0.16113);
    check(1, 29, 0.00611, 0.17176);
  }

  @Test
  void of_allSuccessesReachesOne() {
    WilsonInterval.Interval i = WilsonInterval.of(20, 20, 0.95);
    assertEquals(1.0, i.high());
    assertEquals(1 - 0.16113, i.low(), 5e-6);
  }

  @Test
  void of_noTrialsIsUndefined() {
    assertTrue(Double.isNaN(WilsonInterval.of(0, 0, 0.95).low()));
  }

  @Test
  void of_moreSuccessesThanTrialsIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WilsonInterval.of(5, 3, 0.95));
    assertEquals("successes must be between 0 and n = 3, got 5", e.getMessage());
  }

  private static void check(long x, long n, double low, double high) {
    WilsonInterval.Interval i = WilsonInterval.of(x, n, 0.95);
    assertEquals(low, i.low(), 5e-6, x + "/" + n + " low");
    assertEquals(high, i.high(), 5e-6, x + "/" + n + " high");
  }
}
