package io.segmenta.benchspark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StageClockTest {
  @Test
  void union_overlappingNestedAndApartJobs_countsEachMillisecondOnce() {
    List<long[]> jobs = List.of(new long[] {10, 20}, new long[] {15, 30}, new long[] {16, 18}, new long[] {40, 45}, new long[] {45, 50});
    assertEquals(30, StageClock.union(jobs));
    assertEquals(0, StageClock.union(List.of()));
  }

  @Test
  void union_randomIntervals_sameAsCountingEveryMillisecond() {
    Random random = new Random(19);
    for (int round = 0; round < 200; round++) {
      List<long[]> jobs = new ArrayList<>();
      boolean[] covered = new boolean[1000];
      for (int i = 0, n = random.nextInt(8); i < n; i++) {
        int from = random.nextInt(900);
        int to = from + random.nextInt(100);
        jobs.add(new long[] {from, to});
        for (int t = from; t < to; t++) {
          covered[t] = true;
        }
      }
      int expected = 0;
      for (boolean c : covered) {
        expected += c ? 1 : 0;
      }
      assertEquals(expected, StageClock.union(jobs), "round " + round);
    }
  }
}
