package io.segmenta.core.value;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The instant a report is read at when none is asked for, the same for the CLI and the admin API: now for a live
 * store, and the newest event for a store whose data ended over {@link #STALE_AFTER} ago, since an imported file that
 * ended years ago would otherwise answer every windowed rule with nothing (docs/rule-language.md, "The instant").
 */
public final class AsOfDefault {
  /** How long a store may go without events before it is read at its newest event instead of now. */
  public static final Duration STALE_AFTER = Duration.ofDays(30);

  private AsOfDefault() {}

  /** Whether the store's data is stale at {@code now}: its newest event ({@code null}: none) is over {@link #STALE_AFTER} old. */
  public static boolean stale(Instant now, Instant lastEvent) {
    return lastEvent != null && lastEvent.isBefore(now.minus(STALE_AFTER));
  }

  /** The default instant: {@code now}, or {@code lastEvent} when the data is stale. */
  public static Instant of(Instant now, Instant lastEvent) {
    return stale(now, lastEvent) ? lastEvent : now;
  }

  /**
   * An {@code --as-of} given as a date (its last microsecond, UTC, so the whole day counts) or an ISO instant, within
   * {@link Instants#RANGE}; {@code now} and {@code latest} are the caller's. Throws with the flag's message otherwise.
   */
  public static Instant parse(String text) {
    Instant at;
    try {
      at = text.length() == 10 ? LocalDate.parse(text).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1000) : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--as-of must be now, latest, a date such as 2025-06-30 or an instant such as 2025-06-30T12:00:00Z, got '" + text + "'");
    }
    if (!Instants.accepts(at)) {
      throw new IllegalArgumentException("--as-of must be " + Instants.RANGE + ", got '" + text + "'");
    }
    return at;
  }
}
