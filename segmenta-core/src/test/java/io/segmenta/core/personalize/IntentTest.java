package io.segmenta.core.personalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class IntentTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  static final String[] CATEGORIES = {"golf", "running", "tennis", "outdoor", "swim", "yoga", "cycling", "ski"};

  static Click click(int secondsAgo, Click.Kind kind, String category, String product) {
    return new Click(NOW.minusSeconds(secondsAgo), kind, category, product);
  }

  @Nested
  class Rules {
    @Test
    void of_emptySession_isUnknown() {
      assertEquals(Intent.UNKNOWN, Intent.of(List.of(), NOW));
    }

    @Test
    void of_reassurancePagesAfterAProduct_isDoubts() {
      List<Click> s = List.of(click(300, Click.Kind.PRODUCT, "golf", "p1"), click(200, Click.Kind.REASSURANCE, null, null));
      assertEquals(Intent.DOUBTS, Intent.of(s, NOW));
      assertArrayEquals(new int[] {0, 0, 2}, Intent.scores(s, NOW));
    }

    @Test
    void of_returningToOneProduct_isDoubts() {
      List<Click> s = List.of(click(500, Click.Kind.PRODUCT, "golf", "p1"), click(400, Click.Kind.PRODUCT, "golf", "p1"),
          click(300, Click.Kind.PRODUCT, "golf", "p1"), click(200, Click.Kind.PRODUCT, "golf", "p1"));
      assertEquals(Intent.DOUBTS, Intent.of(s, NOW));
    }

    @Test
    void of_dealsAndComparisons_isBestDeal() {
      List<Click> s = List.of(click(500, Click.Kind.DEALS, null, null), click(400, Click.Kind.COMPARE, "golf", null),
          click(300, Click.Kind.PRODUCT, "golf", "p2"));
      assertEquals(Intent.BEST_DEAL, Intent.of(s, NOW));
    }

    @Test
    void of_wideShallowBrowsing_isInspiration() {
      List<Click> s = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        s.add(click(600 - i * 60, Click.Kind.PRODUCT, CATEGORIES[i], "p" + i));
      }
      assertEquals(Intent.INSPIRATION, Intent.of(s, NOW));
      assertArrayEquals(new int[] {4, 0, 0}, Intent.scores(s, NOW));
    }

    @Test
    void of_clicksOlderThanTheSession_areIgnored() {
      List<Click> s = List.of(click(3600, Click.Kind.REASSURANCE, null, null), click(3000, Click.Kind.DEALS, null, null));
      assertEquals(Intent.UNKNOWN, Intent.of(s, NOW));
    }

    @Test
    void of_tie_goesToTheLaterStage() {
      List<Click> s = List.of(click(300, Click.Kind.DEALS, null, null), click(200, Click.Kind.REASSURANCE, null, null));
      assertEquals(Intent.DOUBTS, Intent.of(s, NOW));
    }
  }

  /**
   * Synthetic sessions with a known stage, each with noise: pages of any kind mixed in, a few categories, and the
   * stage's own behaviour at a random strength. The inference must recover the stage for most of them.
   */
  @Nested
  class SyntheticSessions {
    List<Click> session(Intent stage, Random r) {
      List<Click> s = new ArrayList<>();
      int t = 1500;
      String home = CATEGORIES[r.nextInt(CATEGORIES.length)];
      // Background: a couple of plain pages and views in the visitor's main category.
      for (int i = 0; i < 1 + r.nextInt(3); i++) {
        s.add(click(t -= 30, Click.Kind.PAGE, null, null));
      }
      s.add(click(t -= 30, Click.Kind.PRODUCT, home, home + r.nextInt(50)));
      switch (stage) {
        case INSPIRATION -> {
          int n = 4 + r.nextInt(6);
          for (int i = 0; i < n; i++) {
            String cat = CATEGORIES[r.nextInt(CATEGORIES.length)];
            s.add(click(t -= 40, r.nextBoolean() ? Click.Kind.CATEGORY : Click.Kind.PRODUCT, cat, cat + "-" + i));
          }
        }
        case BEST_DEAL -> {
          int n = 1 + r.nextInt(4);
          for (int i = 0; i < n; i++) {
            s.add(click(t -= 40, r.nextBoolean() ? Click.Kind.DEALS : Click.Kind.COMPARE, home, null));
            s.add(click(t -= 40, Click.Kind.PRODUCT, home, home + r.nextInt(50)));
          }
        }
        case DOUBTS -> {
          String p = home + "-chosen";
          int views = 2 + r.nextInt(4);
          for (int i = 0; i < views; i++) {
            s.add(click(t -= 40, Click.Kind.PRODUCT, home, p));
          }
          if (views < 4 || r.nextBoolean()) {
            s.add(click(t -= 40, Click.Kind.REASSURANCE, null, null));
          }
          if (r.nextBoolean()) {
            s.add(click(t -= 40, Click.Kind.CART, home, p));
          }
        }
        default -> throw new AssertionError(stage);
      }
      return s;
    }

    @Test
    void of_recoversTheStageOfSyntheticSessions() {
      Random r = new Random(20261122);
      Map<Intent, int[]> right = new EnumMap<>(Intent.class);
      int n = 2000;
      for (Intent stage : List.of(Intent.INSPIRATION, Intent.BEST_DEAL, Intent.DOUBTS)) {
        int ok = 0;
        for (int i = 0; i < n; i++) {
          if (Intent.of(session(stage, r), NOW) == stage) {
            ok++;
          }
        }
        right.put(stage, new int[] {ok});
      }
      for (Map.Entry<Intent, int[]> e : right.entrySet()) {
        double accuracy = e.getValue()[0] / (double) n;
        assertTrue(accuracy >= 0.9, e.getKey() + " recovered for only " + accuracy);
      }
    }
  }
}
