package io.segmenta.web.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.testkit.MovingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionsTest {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void start_twice_givesDistinctTokensAndCsrfTokens() {
    Sessions s = new Sessions(MovingClock.at(START));
    Sessions.Session a = s.start("ann");
    Sessions.Session b = s.start("ann");
    assertNotEquals(a.token(), b.token());
    assertNotEquals(a.csrf(), b.csrf());
    assertNotEquals(a.token(), a.csrf());
  }

  @Test
  void find_idleTooLong_expires() {
    MovingClock clock = MovingClock.at(START);
    Sessions s = new Sessions(clock);
    Sessions.Session a = s.start("ann");
    clock.advance(Sessions.IDLE.minusSeconds(1));
    assertEquals("ann", s.find(a.token()).orElseThrow().user());
    // Using it restarted the idle time.
    clock.advance(Sessions.IDLE.minusSeconds(1));
    assertTrue(s.find(a.token()).isPresent());
    clock.advance(Sessions.IDLE);
    assertEquals(Optional.empty(), s.find(a.token()));
  }

  @Test
  void end_logout_forgetsTheToken() {
    Sessions s = new Sessions(MovingClock.at(START));
    Sessions.Session a = s.start("ann");
    Sessions.Session b = s.start("bob");
    s.end(a.token());
    assertFalse(s.find(a.token()).isPresent());
    assertTrue(s.find(b.token()).isPresent());
    s.endAll("bob");
    assertFalse(s.find(b.token()).isPresent());
    assertFalse(s.find(null).isPresent());
    assertFalse(s.find("made-up").isPresent());
  }

  @Test
  void matches_csrfToken_onlyWhenEqualAndPresent() {
    String t = Sessions.token();
    assertTrue(Sessions.matches(t, t));
    assertFalse(Sessions.matches(t, t + "x"));
    assertFalse(Sessions.matches(t, null));
    assertFalse(Sessions.matches(null, null));
    assertFalse(Sessions.matches("", ""));
  }

  @Test
  void refused_afterLimitFailures_perAccountAndPerAddress() {
    MovingClock clock = MovingClock.at(START);
    LoginThrottle t = new LoginThrottle(clock, 3, 5);
    for (int i = 0; i < 3; i++) {
      assertTrue(t.refused("ann", "10.0.0.1").isEmpty(), "attempt " + i);
      t.failed("ann", "10.0.0.1");
    }
    Duration wait = t.refused("ann", "10.0.0.2").orElseThrow();
    assertEquals(LoginThrottle.WINDOW, wait);
    assertTrue(t.refused("bob", "10.0.0.3").isEmpty());
    // Two more failures from the first address, on other accounts, reach its limit of five.
    t.failed("bob", "10.0.0.1");
    t.failed("cid", "10.0.0.1");
    assertTrue(t.refused("dan", "10.0.0.1").isPresent());
    assertTrue(t.refused("dan", "10.0.0.9").isEmpty());
    clock.advance(LoginThrottle.WINDOW);
    assertTrue(t.refused("ann", "10.0.0.1").isEmpty());
  }

  @Test
  void succeeded_clearsTheAccountsFailures() {
    LoginThrottle t = new LoginThrottle(MovingClock.at(START), 2, 100);
    t.failed("ann", "a");
    t.succeeded("ann");
    t.failed("ann", "a");
    assertTrue(t.refused("ann", "a").isEmpty());
  }
}
