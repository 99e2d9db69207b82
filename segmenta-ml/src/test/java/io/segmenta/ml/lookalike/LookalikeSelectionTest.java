package io.segmenta.ml.lookalike;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The tiers' threshold by selection gives what a full sort gives, ties and odd values included. */
class LookalikeSelectionTest {

  @Test
  void kthLargest_randomValuesWithTies_equalsTheSortedPosition() {
    SplittableRandom r = new SplittableRandom(7);
    double[] odd = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (int round = 0; round < 300; round++) {
      int n = 1 + r.nextInt(round < 200 ? 50 : 5000);
      int distinct = 1 + r.nextInt(n);
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextInt(10) == 0 ? odd[r.nextInt(odd.length)] : r.nextInt(distinct) / 7.0;
      }
      double[] sorted = v.clone();
      Arrays.sort(sorted);
      int k = 1 + r.nextInt(n);
      double got = Lookalike.kthLargest(v.clone(), k);
      assertEquals(Double.doubleToLongBits(sorted[n - k]), Double.doubleToLongBits(got), "n=" + n + " k=" + k);
    }
  }

  @Test
  void kthLargest_kOutOfRange_refused() {
    assertThrows(IllegalArgumentException.class, () -> Lookalike.kthLargest(new double[] {1, 2}, 3));
    assertThrows(IllegalArgumentException.class, () -> Lookalike.kthLargest(new double[] {1, 2}, 0));
  }

  @Test
  void tiers_scoresWithTies_sameMembersAsAFullSort() {
    SplittableRandom r = new SplittableRandom(11);
    int n = 20_000;
    double[] scores = new double[n];
    boolean[] eligible = new boolean[n];
    for (int i = 0; i < n; i++) {
      scores[i] = r.nextInt(300) / 300.0;
      eligible[i] = r.nextInt(4) != 0;
    }
    List<Lookalike.Tier> tiers = Lookalike.tiers(scores, eligible, Lookalikes.TIERS);
    int[] byScore = IntStream.range(0, n).filter(i -> eligible[i]).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
    for (Lookalike.Tier t : tiers) {
      int m = (int) Math.ceil(t.share() * byScore.length);
      assertArrayEquals(Arrays.copyOf(byScore, m), t.members(), "share " + t.share());
    }
  }
}
