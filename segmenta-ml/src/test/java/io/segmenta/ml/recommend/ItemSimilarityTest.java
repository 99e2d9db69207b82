package io.segmenta.ml.recommend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The two ways of counting pairs seen together (an array, or sorting every occurrence) give the same model. */
class ItemSimilarityTest {

  private static List<int[]> baskets(int items, int people, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int p = 0; p < people; p++) {
      // Distinct items per basket, popular ones more often, some baskets longer than maxBasket.
      int size = 1 + r.nextInt(r.nextInt(10) == 0 ? 40 : 8);
      int[] b = r.ints(size * 3L, 0, items).map(x -> r.nextBoolean() ? x % (items / 5 + 1) : x).distinct().limit(size).toArray();
      out.add(b);
    }
    return out;
  }

  @Test
  void build_denseAndSortedCounting_agree() {
    int items = 300;
    List<int[]> b = baskets(items, 5_000, 7);
    ItemSimilarity dense = ItemSimilarity.build(items, b, 20, 15, 5.0, true);
    ItemSimilarity sorted = ItemSimilarity.build(items, b, 20, 15, 5.0, false);
    int withNeighbours = 0;
    for (int i = 0; i < items; i++) {
      assertArrayEquals(sorted.neighbours(i), dense.neighbours(i), "item " + i);
      assertArrayEquals(sorted.similarities(i), dense.similarities(i), 0f, "item " + i);
      withNeighbours += dense.neighbours(i).length > 0 ? 1 : 0;
    }
    assertTrue(withNeighbours > items / 2, "the baskets must make neighbours: " + withNeighbours);
  }

  @Test
  void build_lastItem_pairsAreCounted() {
    // The triangle's last cell (items-2, items-1) is where an off-by-one would show.
    List<int[]> b = List.of(new int[] {3, 4}, new int[] {4, 3}, new int[] {0, 4});
    ItemSimilarity dense = ItemSimilarity.build(5, b, 10, 3, 0, true);
    ItemSimilarity sorted = ItemSimilarity.build(5, b, 10, 3, 0, false);
    assertArrayEquals(sorted.neighbours(4), dense.neighbours(4));
    assertArrayEquals(sorted.similarities(4), dense.similarities(4), 0f);
    assertArrayEquals(new int[] {3, 0}, dense.neighbours(4));
  }
}
