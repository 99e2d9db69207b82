package io.segmenta.core.rfm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuantileScoresTest {
  @Test
  void rank_equalValuesShareAScoreWhateverTheirOrder() {
    double[] v = {5, 1, 5, 2, 5, 3, 4, 5, 5, 9};
    int[] s = QuantileScores.scores(v, 5, QuantileScores.Method.RANK);
    for (int i = 0; i < v.length; i++) {
      for (int j = 0; j < v.length; j++) {
        if (v[i] == v[j]) {
          assertEquals(s[i], s[j]);
        }
      }
    }
    // below(5) = 4 of 10 -> 1 + floor(5 * 0.4) = 3; below(9) = 9 -> 5; below(1) = 0 -> 1; below(4) = 3 -> 2
    assertArrayEquals(new int[] {3, 1, 3, 1, 3, 2, 2, 3, 3, 5}, s);
  }

  @Test
  void rank_evenSpreadGivesEqualQuintiles() {
    double[] v = new double[100];
    for (int i = 0; i < 100; i++) {
      v[i] = 99 - i;
    }
    int[] s = QuantileScores.scores(v, 5, QuantileScores.Method.RANK);
    int[] counts = new int[6];
    for (int x : s) {
      counts[x]++;
    }
    assertArrayEquals(new int[] {0, 20, 20, 20, 20, 20}, counts);
  }

  @Test
  void qcut_matchesPandas() {
    // pandas.qcut([1..8], 4, labels=False) + 1 -> [1, 1, 2, 2, 3, 3, 4, 4]
    assertArrayEquals(new int[] {1, 1, 2, 2, 3, 3, 4, 4},
        QuantileScores.scores(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, QuantileScores.Method.QCUT));
    // edges 1, 3.25, 5.5, 7.75, 10 (linear interpolation); right-closed bins
    assertArrayEquals(new int[] {1, 1, 1, 2, 2, 3, 3, 4, 4, 4},
        QuantileScores.scores(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 4, QuantileScores.Method.QCUT));
  }

  @Test
  void qcut_repeatedEdgesFailAsInPandas() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QuantileScores.scores(new double[] {1, 1, 1, 1, 1, 2}, 4, QuantileScores.Method.QCUT));
    assertTrue(e.getMessage().contains("use the rank method"), e.getMessage());
  }

  @Test
  void groups_everyScorePairHasOneOfTheElevenGroups() {
    Set<String> seen = new HashSet<>();
    for (int r = 1; r <= 5; r++) {
      for (int f = 1; f <= 5; f++) {
        for (int m = 1; m <= 5; m++) {
          String g = RfmGroups.of(r, f, m);
          assertTrue(RfmGroups.NAMES.contains(g), g);
          seen.add(g);
        }
      }
    }
    assertEquals(11, seen.size());
    assertEquals("Champions", RfmGroups.of(5, 5, 4));
    assertEquals("Can't Lose Them", RfmGroups.of(1, 5, 5));
    assertEquals("Lost", RfmGroups.of(1, 1, 1));
    assertEquals("rfm-cant-lose-them", RfmGroups.segmentName("Can't Lose Them"));
  }
}
