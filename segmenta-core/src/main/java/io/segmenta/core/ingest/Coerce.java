package io.segmenta.core.ingest;

import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Instants;
import io.segmenta.core.value.Value;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.time.ZoneOffset;

/**
 * Turns a cell into a value of the type the schema declares, or says what was expected. Text is parsed (numbers
 * with a '.' decimal point, booleans as true/false/yes/no/1/0, dates as yyyy-MM-dd, timestamps as ISO-8601 or a
 * given pattern in a given zone, lists split on a separator); typed cells are checked. Numbers must be finite, dates
 * and instants inside {@link Instants}' range (1900 to 2199), so nothing imported can overflow downstream.
 */
public final class Coerce {
  private static final Pattern OFFSET = Pattern.compile(".*[+-]\\d{2}:?\\d{2}$");
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final DateTimeFormatter timestampFormat;
  private final DateTimeFormatter dateFormat;
  private final ZoneId zone;
  private final String listSeparator;

  /**
   * @param timestampPattern a {@link DateTimeFormatter} pattern, or null for ISO-8601 (with or without offset)
   * @param zone the zone of timestamps written without an offset
   */
  public Coerce(String timestampPattern, ZoneId zone, String listSeparator) {
    this(timestampPattern, null, zone, listSeparator);
  }

  /**
   * @param datePattern a {@link DateTimeFormatter} pattern for date cells, or null: then yyyy-MM-dd, and failing that the
   *     date part of a cell in {@code timestampPattern} (so a file whose dates and times share one format needs one key)
   */
  public Coerce(String timestampPattern, String datePattern, ZoneId zone, String listSeparator) {
    this.timestampFormat = timestampPattern == null ? null : DateTimeFormatter.ofPattern(timestampPattern, Locale.ROOT);
    this.dateFormat = datePattern == null ? null : DateTimeFormatter.ofPattern(datePattern, Locale.ROOT);
    this.zone = zone;
    this.listSeparator = listSeparator;
  }

  public static Coerce standard() {
    return new Coerce(null, ZoneOffset.UTC, "|");
  }

  /** The value, or throws {@link IllegalArgumentException} whose message says what was expected. */
  public Value to(ValueType type, Value raw) {
    if (raw.isNull()) {
      return Value.NULL;
    }
    switch (type) {
      case NUMBER:
        if (raw instanceof Value.Num n && Double.isFinite(n.value())) {
          return raw;
        }
        if (raw instanceof Value.Str s && NUMBER.matcher(s.value().trim()).matches()) {
          double d = Double.parseDouble(s.value().trim());
          if (Double.isFinite(d)) {
            return new Value.Num(d);
          }
        }
        throw expected("a number such as 12.5", raw);
      case STRING:
        if (raw instanceof Value.Str) {
          return raw;
        }
        if (raw instanceof Value.Num || raw instanceof Value.Bool || raw instanceof Value.DateValue || raw instanceof Value.TimeValue) {
          return new Value.Str(raw.toString());
        }
        throw expected("text", raw);
      case BOOLEAN:
        if (raw instanceof Value.Bool) {
          return raw;
        }
        if (raw instanceof Value.Str s) {
          switch (s.value().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "y", "1" -> {
              return Value.Bool.TRUE;
            }
            case "false", "no", "n", "0" -> {
              return Value.Bool.FALSE;
            }
            default -> {
              // falls through to the error
            }
          }
        }
        throw expected("true or false", raw);
      case DATE:
        return inRange(dateOf(raw), raw);
      case TIMESTAMP:
        return timestamp(raw);
      case STRING_LIST:
        if (raw instanceof Value.ListValue l) {
          List<Value> out = new ArrayList<>();
          for (Value v : l.items()) {
            if (!(v instanceof Value.Str)) {
              throw expected("a list of text", raw);
            }
            out.add(v);
          }
          return new Value.ListValue(out);
        }
        if (raw instanceof Value.Str s) {
          List<String> parts = new ArrayList<>();
          for (String p : s.value().split(Pattern.quote(listSeparator), -1)) {
            if (!p.trim().isEmpty()) {
              parts.add(p.trim());
            }
          }
          return Value.ofStrings(parts);
        }
        throw expected("a list of text separated by '" + listSeparator + "'", raw);
      default:
        throw new AssertionError(type);
    }
  }

  private Value dateOf(Value raw) {
    if (raw instanceof Value.DateValue) {
      return raw;
    }
    if (raw instanceof Value.Str s) {
      return date(s);
    }
    if (raw instanceof Value.TimeValue t) {
      return new Value.DateValue(LocalDate.ofInstant(t.value(), zone));
    }
    throw expected(dateFormat == null ? "a date as yyyy-MM-dd" : "a date in the pattern of date.format", raw);
  }

  /** A date inside {@link Instants}' range, or an IllegalArgumentException saying what was expected. */
  private static Value inRange(Value date, Value raw) {
    if (!Instants.accepts(((Value.DateValue) date).value())) {
      throw expected("a date between " + Instants.MIN_DATE + " and " + Instants.MAX_DATE, raw);
    }
    return date;
  }

  /** A date cell: in date.format when given; else ISO yyyy-MM-dd, or the date part of a timestamp.format cell. */
  private Value date(Value.Str s) {
    String t = s.value().trim();
    try {
      if (dateFormat != null) {
        return new Value.DateValue(LocalDate.parse(t, dateFormat));
      }
      return new Value.DateValue(LocalDate.parse(t));
    } catch (DateTimeParseException e) {
      if (dateFormat != null) {
        throw expected("a date in the pattern of date.format", s);
      }
      if (timestampFormat != null) {
        try {
          var parsed = timestampFormat.parseBest(t, LocalDateTime::from, LocalDate::from);
          return new Value.DateValue(parsed instanceof LocalDate d ? d : ((LocalDateTime) parsed).toLocalDate());
        } catch (DateTimeParseException ignored) {
          throw expected("a date as yyyy-MM-dd or in the pattern of timestamp.format (or set date.format)", s);
        }
      }
      throw expected("a date as yyyy-MM-dd (or set date.format, e.g. date.format = dd/MM/yyyy)", s);
    }
  }

  /** An instant inside {@link Instants}' range, or an IllegalArgumentException saying what was expected. */
  public Value timestamp(Value raw) {
    Value t = parseTimestamp(raw);
    if (!Instants.accepts(((Value.TimeValue) t).value())) {
      throw expected("an instant " + Instants.RANGE, raw);
    }
    return t;
  }

  private Value parseTimestamp(Value raw) {
    if (raw instanceof Value.TimeValue) {
      return raw;
    }
    if (raw instanceof Value.DateValue d) {
      return new Value.TimeValue(d.value().atStartOfDay(zone).toInstant());
    }
    if (raw instanceof Value.Str s) {
      String t = s.value().trim();
      try {
        if (timestampFormat != null) {
          var parsed = timestampFormat.parseBest(t, LocalDateTime::from, LocalDate::from);
          LocalDateTime at = parsed instanceof LocalDate d ? d.atStartOfDay() : (LocalDateTime) parsed;
          return new Value.TimeValue(at.atZone(zone).toInstant());
        }
        if (t.endsWith("Z") || OFFSET.matcher(t).matches()) {
          return new Value.TimeValue(OffsetDateTime.parse(t.replace(' ', 'T')).toInstant());
        }
        if (t.length() == 10) {
          return new Value.TimeValue(LocalDate.parse(t).atStartOfDay(zone).toInstant());
        }
        return new Value.TimeValue(LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant());
      } catch (DateTimeException | ArithmeticException e) {
        throw expected(timestampFormat == null ? "a timestamp such as 2024-01-31T12:00:00Z or 2024-01-31 12:00:00" : "a timestamp in the pattern of timestamp.format", raw);
      }
    }
    if (raw instanceof Value.Num n && Math.abs(n.value()) < 1e13) {
      return new Value.TimeValue(Instant.ofEpochMilli((long) (n.value() * (n.value() < 1e11 ? 1000 : 1))));
    }
    throw expected("a timestamp", raw);
  }

  private static IllegalArgumentException expected(String what, Value got) {
    String shown = got instanceof Value.Str s ? "'" + (s.value().length() > 40 ? s.value().substring(0, 40) + "..." : s.value()) + "'" : got.typeName() + " " + got;
    return new IllegalArgumentException("expected " + what + ", got " + shown);
  }
}
