package io.segmenta.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock a test moves, in UTC: either fixed at an instant and moved only by the test ({@link #at}), or the system's
 * time moved forward by what the test adds ({@link #system}), for a server whose threads must still see time pass.
 * Tests use it instead of waiting out real time (quiet hours, session expiry, journey waits); one class, where three
 * tests had each written their own.
 */
public final class MovingClock extends Clock {
  private final Instant start;
  private final AtomicReference<Duration> shift = new AtomicReference<>(Duration.ZERO);

  private MovingClock(Instant start) {
    this.start = start;
  }

  /** A clock that reads {@code start} until the test moves it. */
  public static MovingClock at(Instant start) {
    if (start == null) {
      throw new IllegalArgumentException("start: must be an instant, not null");
    }
    return new MovingClock(start);
  }

  /** The system's clock, moved forward by what the test adds. */
  public static MovingClock system() {
    return new MovingClock(null);
  }

  /** Moves the clock by {@code by} (forward, or back when negative). */
  public void advance(Duration by) {
    shift.accumulateAndGet(by, Duration::plus);
  }

  /** Moves the clock so that it reads {@code to} now. */
  public void set(Instant to) {
    shift.set(Duration.between(base(), to));
  }

  private Instant base() {
    return start == null ? Instant.now() : start;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return base().plus(shift.get());
  }
}
