package io.segmenta.ml.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The reference cases of Spark MLlib's RankingMetricsSuite, checked to its tolerance of 1e-5. */
class RankingMetricsTest {
  static final double EPS = 1e-5;

  static List<String> items(int... ids) {
    List<String> out = new ArrayList<>();
    for (int i : ids) {
      out.add(Integer.toString(i));
    }
    return out;
  }

  static RankingMetrics.Case c(int[] ranked, int[] relevant, double... relevance) {
    Map<String, Double> rel = new HashMap<>();
    for (int i = 0; i < relevance.length; i++) {
      rel.put(Integer.toString(relevant[i]), relevance[i]);
    }
    return new RankingMetrics.Case(items(ranked), new LinkedHashSet<>(items(relevant)), rel);
  }

  // The suite's three users: ranked lists and what each actually chose (the third chose nothing).
  static final int[] RANKED_1 = {1, 6, 2, 7, 8, 3, 9, 10, 4, 5};
  static final int[] CHOSEN_1 = {1, 2, 3, 4, 5};
  static final int[] RANKED_2 = {4, 1, 5, 6, 2, 7, 3, 8, 9, 10};
  static final int[] CHOSEN_2 = {1, 2, 3};
  static final int[] RANKED_3 = {1, 2, 3, 4, 5};

  static final RankingMetrics THREE_USERS = new RankingMetrics(List.of(c(RANKED_1, CHOSEN_1), c(RANKED_2, CHOSEN_2), c(RANKED_3, new int[] {})));

  @Nested
  class Binary {
    @Test
    void precisionAt_matchesSpark() {
      assertEquals(1.0 / 3, THREE_USERS.precisionAt(1), EPS);
      assertEquals(1.0 / 3, THREE_USERS.precisionAt(2), EPS);
      assertEquals(1.0 / 3, THREE_USERS.precisionAt(3), EPS);
      assertEquals(0.75 / 3, THREE_USERS.precisionAt(4), EPS);
      assertEquals(0.8 / 3, THREE_USERS.precisionAt(5), EPS);
      assertEquals(0.8 / 3, THREE_USERS.precisionAt(10), EPS);
      assertEquals(8.0 / 45, THREE_USERS.precisionAt(15), EPS);
    }

    @Test
    void meanAveragePrecision_matchesSpark() {
      assertEquals(0.355026, THREE_USERS.meanAveragePrecision(), EPS);
      assertEquals(0.333334, THREE_USERS.meanAveragePrecisionAt(1), EPS);
      assertEquals(0.25, THREE_USERS.meanAveragePrecisionAt(2), EPS);
      assertEquals(0.24074, THREE_USERS.meanAveragePrecisionAt(3), EPS);
    }

    @Test
    void ndcgAt_matchesSpark() {
      assertEquals(1.0 / 3, THREE_USERS.ndcgAt(3), EPS);
      assertEquals(0.328788, THREE_USERS.ndcgAt(5), EPS);
      assertEquals(0.487913, THREE_USERS.ndcgAt(10), EPS);
      assertEquals(THREE_USERS.ndcgAt(10), THREE_USERS.ndcgAt(15), EPS);
    }

    @Test
    void recallAt_matchesSpark() {
      assertEquals(1.0 / 15, THREE_USERS.recallAt(1), EPS);
      assertEquals(8.0 / 45, THREE_USERS.recallAt(2), EPS);
      assertEquals(11.0 / 45, THREE_USERS.recallAt(3), EPS);
      assertEquals(11.0 / 45, THREE_USERS.recallAt(4), EPS);
      assertEquals(16.0 / 45, THREE_USERS.recallAt(5), EPS);
      assertEquals(2.0 / 3, THREE_USERS.recallAt(10), EPS);
      assertEquals(2.0 / 3, THREE_USERS.recallAt(15), EPS);
    }
  }

  @Nested
  class Graded {
    @Test
    void ndcgAt_withRelevance_matchesSpark() {
      RankingMetrics m = new RankingMetrics(List.of(c(RANKED_1, CHOSEN_1, 3.0, 2.0, 1.0, 1.0, 1.0), c(RANKED_2, CHOSEN_2, 2.0, 0.0, 0.0),
          c(RANKED_3, new int[] {})));
      assertEquals(0.511959, m.ndcgAt(3), EPS);
      assertEquals(0.487806, m.ndcgAt(5), EPS);
      assertEquals(0.518700, m.ndcgAt(10), EPS);
      assertEquals(0.355026, m.meanAveragePrecision(), EPS);
    }
  }

  @Nested
  class FewPredictions {
    @Test
    void metrics_withShortLists_matchSpark14886() {
      RankingMetrics m = new RankingMetrics(List.of(c(new int[] {1, 6, 2}, new int[] {1, 2, 3, 4, 5}), c(new int[] {}, new int[] {1, 2, 3})));
      assertEquals(0.5, m.precisionAt(1), EPS);
      assertEquals(0.25, m.precisionAt(2), EPS);
      assertEquals(0.5, m.ndcgAt(1), EPS);
      assertEquals(0.30657, m.ndcgAt(2), EPS);
      assertEquals(0.1, m.recallAt(1), EPS);
      assertEquals(0.1, m.recallAt(2), EPS);
    }

    @Test
    void coverageAt_countsDistinctRecommendedItems() {
      assertEquals(10 / 20.0, THREE_USERS.coverageAt(10, 20), 1e-12);
      // The first items are 1, 4 and 1.
      assertEquals(2 / 20.0, THREE_USERS.coverageAt(1, 20), 1e-12);
    }
  }
}
