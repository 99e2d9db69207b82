package io.segmenta.core.value;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The one range of instants Segmenta accepts from outside: from 1900-01-01T00:00Z up to, not including,
 * 2200-01-01T00:00Z; dates from 1900-01-01 to 2199-12-31. Every way in (tracking, importers, survey answers, the
 * CLI's {@code --as-of}) checks against it, so nothing downstream has to think about overflow.
 *
 * <p>Why these bounds: 1900 leaves room for the birth dates of every living customer and for old records an
 * importer may bring; 2200 is far beyond any real event or plan, yet small enough that an instant plus any window a
 * rule can write (at most a few thousand years of days) stays far inside what {@link Instant} (year ±1e9), a
 * microsecond count in a signed 64-bit integer as DuckDB stores a TIMESTAMP (year ±290,000) and JavaScript's Date
 * (year ±275,760) can hold. A year such as 300000 parses as ISO-8601 but cannot be stored: refused at the door, it
 * can never stop a replay or a restart.
 */
public final class Instants {
  /** The first instant accepted. */
  public static final Instant MIN = Instant.parse("1900-01-01T00:00:00Z");
  /** The first instant no longer accepted. */
  public static final Instant END = Instant.parse("2200-01-01T00:00:00Z");
  public static final LocalDate MIN_DATE = LocalDate.of(1900, 1, 1);
  public static final LocalDate MAX_DATE = LocalDate.of(2199, 12, 31);
  /** How the range reads in error messages. */
  public static final String RANGE = "between 1900-01-01T00:00:00Z and 2199-12-31T23:59:59Z";

  private Instants() {}

  public static boolean accepts(Instant t) {
    return t != null && !t.isBefore(MIN) && t.isBefore(END);
  }

  public static boolean accepts(LocalDate d) {
    return d != null && !d.isBefore(MIN_DATE) && !d.isAfter(MAX_DATE);
  }

  /** {@code t}, or an {@link IllegalArgumentException} saying the accepted range. */
  public static Instant check(Instant t) {
    if (!accepts(t)) {
      throw new IllegalArgumentException("expected an instant " + RANGE + ", got " + t);
    }
    return t;
  }

  /** {@code d}, or an {@link IllegalArgumentException} saying the accepted range. */
  public static LocalDate check(LocalDate d) {
    if (!accepts(d)) {
      throw new IllegalArgumentException("expected a date between " + MIN_DATE + " and " + MAX_DATE + ", got " + d);
    }
    return d;
  }

  /**
   * An ISO-8601 date-time with an offset ({@code 2025-06-01T12:00:00.000Z}, {@code 2025-06-01T14:00:00+02:00}) or a
   * date alone ({@code 2025-06-01}, read as midnight UTC, as Segment's spec allows), inside the range; otherwise an
   * {@link IllegalArgumentException} saying what was expected.
   */
  public static Instant parse(String s) {
    Instant at = parseAny(s);
    if (!accepts(at)) {
      throw new IllegalArgumentException("expected an instant " + RANGE + ", got '" + shorten(s) + "'");
    }
    return at;
  }

  /** As {@link #parse} without the range check (the caller checks it, to tell a bad format from a bad instant). */
  public static Instant parseAny(String s) {
    if (s == null) {
      throw new IllegalArgumentException("expected an ISO-8601 date-time such as 2025-06-01T12:00:00.000Z, got nothing");
    }
    String t = s.trim();
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException("expected an ISO-8601 date-time such as 2025-06-01T12:00:00.000Z, got '" + shorten(s) + "'");
    }
  }

  /** {@code t} plus {@code seconds}, saturating at {@link Instant#MIN} / {@link Instant#MAX} instead of throwing. */
  public static Instant plusSaturated(Instant t, long seconds) {
    try {
      return t.plusSeconds(seconds);
    } catch (DateTimeException | ArithmeticException e) {
      return seconds > 0 ? Instant.MAX : Instant.MIN;
    }
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
