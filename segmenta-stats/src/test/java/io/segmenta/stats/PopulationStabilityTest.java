package io.segmenta.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The population stability index, its levels and its diagnostics. Golden values computed outside Java (Python's
 * math module, the formula written out: sum of (c - b) * ln(c / b) over shares, half a count added to every bin
 * when one is empty).
 */
class PopulationStabilityTest {

  @Test
  void of_nearlyTheSameIsStable() {
    PopulationStability.Result r = PopulationStability.of(new long[] {100, 200, 300, 400}, new long[] {110, 190, 310, 390}, 100);
    assertEquals(0.00205, r.psi(), 5e-6);
    assertEquals(PopulationStability.Level.STABLE, r.level());
    assertEquals("ok", r.diagnostic());
  }

  @Test
  void of_aTiltedDistributionIsModerate() {
    PopulationStability.Result r = PopulationStability.of(new long[] {250, 250, 250, 250}, new long[] {400, 300, 200, 100}, 100);
    assertEquals(0.22822, r.psi(), 5e-6);
    assertEquals(PopulationStability.Level.MODERATE, r.level());
    double sum = 0;
    for (double c : r.contributions()) {
      assertTrue(c >= 0, "every bin's share of the index is non-negative");
      sum += c;
    }
    assertEquals(r.psi(), sum, 1e-12);
  }

  @Test
  void of_anEmptyBinStaysFiniteAndIsMajor() {
    PopulationStability.Result r = PopulationStability.of(new long[] {500, 300, 200, 0}, new long[] {300, 300, 300, 100}, 100);
    assertEquals(0.67148, r.psi(), 5e-6);
    assertEquals(PopulationStability.Level.MAJOR, r.level());
  }

  @Test
  void of_twoBinsOfDifferentTotals() {
    PopulationStability.Result r = PopulationStability.of(new long[] {120, 80}, new long[] {60, 140}, 100);
    assertEquals(0.37583, r.psi(), 5e-6);
    assertEquals(PopulationStability.Level.MAJOR, r.level());
  }

  @Test
  void of_tooFewGivesADiagnosticNotANumber() {
    PopulationStability.Result r = PopulationStability.of(new long[] {10, 20}, new long[] {30, 5}, 100);
    assertFalse(r.computed());
    assertEquals(PopulationStability.Level.UNKNOWN, r.level());
    assertTrue(r.diagnostic().contains("30 and 35") && r.diagnostic().contains("100"), r.diagnostic());
  }

  @Test
  void of_mismatchedBinsGiveADiagnostic() {
    PopulationStability.Result r = PopulationStability.of(new long[] {10, 20, 30}, new long[] {30, 5}, 0);
    assertFalse(r.computed());
    assertTrue(r.diagnostic().contains("3 and 2"), r.diagnostic());
    assertTrue(PopulationStability.of(new long[] {10, -1}, new long[] {3, 5}, 0).diagnostic().contains("negative"));
  }
}
