package io.segmenta.sql;

import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The Java objects a compiled query's parameters are, whatever the engine: numbers as {@link Double}, text as
 * {@link String}, booleans, dates as {@link java.time.LocalDate} and instants as UTC {@link LocalDateTime}s, which
 * JDBC drivers and Spark bind alike.
 */
public final class ParamValues {
  private ParamValues() {}

  /** The object a value of this type binds as (null for a missing value). */
  public static Object of(Value v, ValueType t) {
    if (v.isNull()) {
      return null;
    }
    if (v instanceof Value.Num n) {
      return n.value();
    } else if (v instanceof Value.Str s) {
      return s.value();
    } else if (v instanceof Value.Bool b) {
      return b.value();
    } else if (v instanceof Value.DateValue d) {
      return t == ValueType.TIMESTAMP ? d.value().atStartOfDay() : d.value();
    } else if (v instanceof Value.TimeValue tv) {
      return timestamp(tv.value());
    }
    throw new IllegalArgumentException("cannot bind " + v.typeName() + " as " + t);
  }

  /** An instant as the UTC wall-clock time the store's TIMESTAMP columns hold. */
  public static LocalDateTime timestamp(Instant i) {
    return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
  }
}
