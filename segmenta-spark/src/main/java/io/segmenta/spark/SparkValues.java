package io.segmenta.spark;

import io.segmenta.core.value.Value;
import io.segmenta.core.schema.ValueType;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reads a Spark row's column as a Segmenta value of the type the compiler gave it, as the embedded store's
 * {@code Columns.read} does for JDBC: Spark hands back a {@code TIMESTAMP_NTZ} as a {@link LocalDateTime} (UTC wall
 * time by the lake's contract), a date as {@link Date} or {@link LocalDate} (by its java8API setting), a list as a
 * Scala sequence.
 */
final class SparkValues {
  private SparkValues() {}

  static Value read(Row row, int col, ValueType type) {
    if (row.isNullAt(col)) {
      return Value.NULL;
    }
    Object o = row.get(col);
    return switch (type) {
      case NUMBER -> new Value.Num(((Number) o).doubleValue());
      case STRING -> new Value.Str(o.toString());
      case BOOLEAN -> Value.of((Boolean) o);
      case DATE -> new Value.DateValue(o instanceof Date d ? d.toLocalDate() : (LocalDate) o);
      case TIMESTAMP -> new Value.TimeValue(instant(o));
      case STRING_LIST -> {
        List<Value> items = new ArrayList<>();
        Iterable<?> list = o instanceof Seq<?> s ? CollectionConverters.asJava(s) : (List<?>) o;
        for (Object x : list) {
          items.add(x == null ? Value.NULL : new Value.Str(x.toString()));
        }
        yield new Value.ListValue(items);
      }
    };
  }

  /** A timestamp column's instant: wall-clock UTC for {@code TIMESTAMP_NTZ}, the instant itself for a zoned one. */
  static Instant instant(Object o) {
    if (o instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC);
    } else if (o instanceof Instant i) {
      return i;
    } else if (o instanceof Timestamp t) {
      return t.toInstant();
    }
    throw new IllegalArgumentException("value: not a timestamp: " + o.getClass().getSimpleName());
  }

  /** A double column, or {@code orElse} when null. */
  static double number(Row row, int col, double orElse) {
    return row.isNullAt(col) ? orElse : ((Number) row.get(col)).doubleValue();
  }
}
