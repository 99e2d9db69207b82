package io.segmenta.core.review;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.stats.PopulationStability;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Category columns' bins and their index. Golden values computed outside Java (Python's math module, the formula
 * written out: sum of (c - b) * ln(c / b) over the bins' shares, half a count added to every bin when one is empty).
 */
class DriftCategoriesTest {

  /** {@code n} copies of {@code v}. */
  static List<String> times(int n, String v) {
    return new ArrayList<>(Collections.nCopies(n, v));
  }

  @SafeVarargs
  static List<String> of(List<String>... parts) {
    List<String> out = new ArrayList<>();
    for (List<String> p : parts) {
      out.addAll(p);
    }
    // The order of members must not matter.
    Collections.shuffle(out, new Random(7));
    return out;
  }

  @Test
  void categoryBins_rareAndNewCategoriesGoToOtherAndBlanksAreMissing() {
    // IS holds 5 of 965 values (0.5 %, under 1 %): no bin of its own. PL is new in the current period: other.
    List<String> baseline = of(times(400, "DK"), times(300, "SE"), times(200, "NO"), times(60, "FI"), times(5, "IS"), times(10, "  "), times(25, null));
    List<String> current = of(times(300, "DK"), times(300, " SE "), times(250, "NO"), times(50, "FI"), times(10, "IS"), times(40, "PL"), times(50, null));
    Drift.Bins b = Drift.categoryBins(baseline, current);
    assertEquals(List.of("DK", "SE", "NO", "FI", Drift.OTHER, Drift.MISSING), b.labels());
    assertArrayEquals(new long[] {400, 300, 200, 60, 5, 35}, b.baseline());
    assertArrayEquals(new long[] {300, 300, 250, 50, 50, 50}, b.current());
    PopulationStability.Result r = PopulationStability.of(b.baseline(), b.current(), 200);
    assertEquals(0.15072, r.psi(), 5e-6);
    assertEquals(PopulationStability.Level.MODERATE, r.level());
  }

  @Test
  void categoryBins_aCategoryGoneKeepsItsEmptyBin() {
    List<String> baseline = of(times(500, "DK"), times(300, "SE"), times(200, "NO"));
    List<String> current = of(times(600, "DK"), times(400, "SE"));
    Drift.Bins b = Drift.categoryBins(baseline, current);
    assertEquals(List.of("DK", "SE", "NO"), b.labels(), "other and missing are empty in both periods, so left out");
    assertArrayEquals(new long[] {600, 400, 0}, b.current());
    PopulationStability.Result r = PopulationStability.of(b.baseline(), b.current(), 200);
    assertEquals(1.24387, r.psi(), 5e-6);
    assertEquals(PopulationStability.Level.MAJOR, r.level());
  }

  @Test
  void categoryBins_atMostTenNamedBinsTiesByName() {
    List<String> baseline = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (char c = 'l'; c >= 'a'; c--) {
      baseline.addAll(times(100, "cat-" + c));
      current.addAll(times(c < 'k' ? 50 : 100, "cat-" + c));
    }
    current.addAll(times(500, "cat-new"));
    Drift.Bins b = Drift.categoryBins(baseline, current);
    assertEquals(List.of("cat-a", "cat-b", "cat-c", "cat-d", "cat-e", "cat-f", "cat-g", "cat-h", "cat-i", "cat-j", Drift.OTHER), b.labels());
    assertArrayEquals(new long[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 200}, b.baseline());
    assertArrayEquals(new long[] {50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 700}, b.current());
    assertEquals(0.81080, PopulationStability.of(b.baseline(), b.current(), 200).psi(), 5e-6);
  }

  @Test
  void categoryBins_sameMixIsZeroAndCaseIsKept() {
    List<String> baseline = of(times(300, "DK"), times(300, "dk"));
    List<String> current = of(times(150, "dk "), times(150, "DK"));
    Drift.Bins b = Drift.categoryBins(baseline, current);
    assertEquals(List.of("DK", "dk"), b.labels(), "\"DK\" and \"dk\" are two categories, as rules see them");
    PopulationStability.Result r = PopulationStability.of(b.baseline(), b.current(), 200);
    assertEquals(0.0, r.psi(), 1e-12);
    assertEquals(PopulationStability.Level.STABLE, r.level());
  }

  @Test
  void categoryBins_seededRandomValues_countEveryMemberOnce() {
    Random rnd = new Random(18);
    for (int round = 0; round < 200; round++) {
      List<String> baseline = new ArrayList<>();
      List<String> current = new ArrayList<>();
      int cats = 1 + rnd.nextInt(30);
      for (int i = rnd.nextInt(500); i > 0; i--) {
        baseline.add(rnd.nextInt(10) == 0 ? null : "c" + (int) Math.abs(rnd.nextGaussian() * cats));
      }
      for (int i = rnd.nextInt(500); i > 0; i--) {
        current.add(rnd.nextInt(8) == 0 ? " " : "c" + (int) Math.abs(rnd.nextGaussian() * cats * 1.5));
      }
      Drift.Bins b = Drift.categoryBins(baseline, current);
      assertEquals(baseline.size(), Arrays.stream(b.baseline()).sum());
      assertEquals(current.size(), Arrays.stream(b.current()).sum());
      assertEquals(b.labels().size(), b.baseline().length);
      assertTrue(b.labels().size() <= Drift.MAX_CATEGORIES + 2, b.labels().toString());
      for (int i = 0; i < b.labels().size(); i++) {
        assertTrue(b.baseline()[i] + b.current()[i] > 0, "no bin empty in both");
      }
    }
  }
}
