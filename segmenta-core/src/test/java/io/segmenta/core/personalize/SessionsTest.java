package io.segmenta.core.personalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionsTest {
  static final Instant T = Instant.parse("2026-11-22T12:00:00Z");

  @Test
  void record_keepsTheLastClicks() {
    Sessions s = new Sessions(100, Duration.ofMinutes(30));
    for (int i = 0; i < Sessions.MAX_CLICKS + 10; i++) {
      s.record("a:x", new Click(T.plusSeconds(i), Click.Kind.PAGE, null, "p" + i));
    }
    assertEquals(Sessions.MAX_CLICKS, s.clicks("a:x").size());
    assertEquals("p10", s.clicks("a:x").get(0).productId());
  }

  @Test
  void link_carriesAnonymousClicksOverToTheProfile() {
    Sessions s = new Sessions(100, Duration.ofMinutes(30));
    s.record(Sessions.anonymous("anon-1"), new Click(T, Click.Kind.PRODUCT, "golf", "g1"));
    s.record(Sessions.profile("c-1"), new Click(T.minusSeconds(60), Click.Kind.PRODUCT, "tennis", "t1"));
    s.link("anon-1", "c-1");
    assertEquals(2, s.clicks(Sessions.profile("c-1")).size());
    assertEquals("t1", s.clicks(Sessions.profile("c-1")).get(0).productId());
    assertTrue(s.clicks(Sessions.anonymous("anon-1")).isEmpty());
  }

  @Test
  void sweep_dropsIdleVisitors() {
    Sessions s = new Sessions(10, Duration.ofMinutes(30));
    s.record("a:old", new Click(T, Click.Kind.PAGE, null, null));
    s.record("a:b", new Click(T.plus(Duration.ofHours(2)), Click.Kind.PAGE, null, null));
    assertEquals(1, s.sweep(T.plus(Duration.ofHours(2))));
    assertTrue(s.clicks("a:old").isEmpty());
    assertEquals(1, s.size());
  }

  @Test
  void sweep_overTheLimit_dropsTheLongestIdle() {
    Sessions s = new Sessions(2, Duration.ofHours(5));
    for (int i = 0; i < 4; i++) {
      s.record("a:" + i, new Click(T.plusSeconds(i), Click.Kind.PAGE, null, null));
    }
    assertEquals(2, s.sweep(T.plusSeconds(10)));
    assertEquals(2, s.size());
    assertTrue(s.clicks("a:0").isEmpty() && s.clicks("a:1").isEmpty());
    assertEquals(1, s.clicks("a:3").size());
  }
}
