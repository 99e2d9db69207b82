package io.segmenta.core.journey;

import io.segmenta.core.model.Profile;
import io.segmenta.core.value.Value;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The calendar of journeys: a person's time zone, the next time of day there, a date trait as a day, and whether a
 * day is the yearly return of a date. Daylight saving follows {@link ZonedDateTime}: a time that does not exist that
 * day (the spring gap) is moved forward by the gap's length, and one that exists twice takes the earlier instant.
 */
final class LocalTimes {
  private LocalTimes() {}

  /** The profile's {@code timezone} trait when it names a zone (IANA, e.g. Europe/Berlin), else {@code fallback}. */
  static ZoneId zone(Profile p, ZoneId fallback) {
    Value v = p.traits().get("timezone");
    if (v instanceof Value.Str s) {
      try {
        return ZoneId.of(s.value());
      } catch (DateTimeException e) {
        return fallback;
      }
    }
    return fallback;
  }

  /** The first instant after {@code now} when the clock in {@code zone} shows {@code time}. */
  static Instant next(Instant now, LocalTime time, ZoneId zone) {
    ZonedDateTime local = now.atZone(zone);
    ZonedDateTime at = local.toLocalDate().atTime(time).atZone(zone);
    return at.toInstant().isAfter(now) ? at.toInstant() : local.toLocalDate().plusDays(1).atTime(time).atZone(zone).toInstant();
  }

  /** A DATE trait as is, a TIMESTAMP as its day in {@code zone}; null for anything else. */
  static LocalDate day(Value v, ZoneId zone) {
    if (v instanceof Value.DateValue d) {
      return d.value();
    }
    if (v instanceof Value.TimeValue t) {
      return t.value().atZone(zone).toLocalDate();
    }
    return null;
  }

  /**
   * Whether {@code today} is a yearly return of {@code date} (not the date itself): same month and day, or 28
   * February for a 29 February when the year has none.
   */
  static boolean anniversary(LocalDate date, LocalDate today) {
    if (date == null || !date.isBefore(today) || date.getYear() >= today.getYear()) {
      return false;
    }
    MonthDay md = MonthDay.from(date);
    return md.isValidYear(today.getYear()) ? md.equals(MonthDay.from(today))
        : today.getMonthValue() == 2 && today.getDayOfMonth() == 28;
  }
}
