package io.segmenta.core.personalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterestsTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  static Click view(int minutesAgo, String category) {
    return new Click(NOW.minus(Duration.ofMinutes(minutesAgo)), Click.Kind.PRODUCT, category, null);
  }

  @Test
  void of_sharesDecayWithAge() {
    // Two golf views an hour ago (two half-lives: weight 0.25 each) against one running view now (weight 1).
    Interests i = Interests.of(List.of(view(60, "golf"), view(60, "golf"), view(0, "running")), NOW, Duration.ofMinutes(30));
    assertEquals(1.5, i.weight(), 1e-12);
    assertEquals(1 / 1.5, i.shares().get("running"), 1e-12);
    assertEquals(0.5 / 1.5, i.shares().get("golf"), 1e-12);
    assertEquals("running", i.top());
    assertEquals(List.of("running", "golf"), i.listed());
  }

  @Test
  void top_weakSignal_isNull() {
    assertNull(Interests.of(List.of(view(0, "golf")), NOW, Interests.DEFAULT_HALF_LIFE).top());
  }

  @Test
  void top_noDominantCategory_isNull() {
    List<Click> s = new ArrayList<>();
    for (String c : List.of("a", "b", "c", "d")) {
      s.add(view(1, c));
    }
    assertNull(Interests.of(s, NOW, Interests.DEFAULT_HALF_LIFE).top());
  }

  @Test
  void of_cartWeighsMoreThanViews() {
    List<Click> s = List.of(view(0, "golf"), view(0, "golf"), new Click(NOW, Click.Kind.CART, "tennis", "t1"));
    assertEquals("tennis", Interests.of(s, NOW, Interests.DEFAULT_HALF_LIFE).top());
  }

  @Test
  void of_nonPositiveHalfLife_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> Interests.of(List.of(), NOW, Duration.ZERO));
  }
}
