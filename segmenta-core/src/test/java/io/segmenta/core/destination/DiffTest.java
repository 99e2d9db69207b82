package io.segmenta.core.destination;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DiffTest {
  /** Seeded random sets against a hash-set difference: adds and removes are exactly the two set differences. */
  @Test
  void of_randomSets_equalsTheSetDifferences() {
    Random r = new Random(20261205);
    for (int round = 0; round < 50; round++) {
      int n = 1 + r.nextInt(5_000);
      long[] kept = LongStream.generate(() -> r.nextInt(3) == 0 ? r.nextInt(100) : r.nextLong()).limit(n).distinct().sorted().toArray();
      long[] current = LongStream.concat(Arrays.stream(kept).filter(x -> r.nextInt(10) > 0), LongStream.generate(r::nextLong).limit(r.nextInt(500)))
          .distinct().toArray();
      Diff.Result d = Diff.of(current, Diff.sortedOrder(current), kept);
      Set<Long> k = new HashSet<>();
      Arrays.stream(kept).forEach(k::add);
      Set<Long> c = new HashSet<>();
      Arrays.stream(current).forEach(c::add);
      long[] adds = Arrays.stream(d.adds()).mapToLong(i -> current[i]).sorted().toArray();
      assertArrayEquals(Arrays.stream(current).filter(x -> !k.contains(x)).sorted().toArray(), adds, "round " + round);
      assertArrayEquals(Arrays.stream(kept).filter(x -> !c.contains(x)).sorted().toArray(), Arrays.stream(d.removes()).sorted().toArray(),
          "round " + round);
    }
  }

  /** Unsorted kept fingerprints (DuckDB once returned an ORDER BY as two runs) fail loudly instead of re-sending half. */
  @Test
  void of_keptOutOfOrder_isRefused() {
    long[] current = {1, 2, 3, 4};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Diff.of(current, Diff.sortedOrder(current), new long[] {3, 4, 1, 2}));
    assertTrue(e.getMessage().contains("position 2 holds 1 after 4"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Diff.of(current, new int[] {1, 0, 2, 3}, new long[] {1, 2, 3, 4}));
    assertEquals(0, Diff.of(current, Diff.sortedOrder(current), new long[] {1, 2, 3, 4}).adds().length);
  }
}
