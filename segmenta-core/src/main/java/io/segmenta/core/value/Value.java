package io.segmenta.core.value;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A typed value: what a trait, an event property or a literal in a rule holds. Immutable; equality is by value,
 * with numbers compared by their double value. Lists and objects exist so that free-form attributes (as GrowthBook
 * targeting conditions see them) can be represented too; the schema only declares scalar and list types.
 */
public sealed interface Value {

  NullValue NULL = new NullValue();

  /** The name used by {@code $type} and in error messages. */
  String typeName();

  static Value of(double d) {
    return new Num(d);
  }

  static Value of(String s) {
    return s == null ? NULL : new Str(s);
  }

  static Value of(boolean b) {
    return b ? Bool.TRUE : Bool.FALSE;
  }

  static Value of(LocalDate d) {
    return d == null ? NULL : new DateValue(d);
  }

  static Value of(Instant t) {
    return t == null ? NULL : new TimeValue(t);
  }

  static Value ofList(List<? extends Value> items) {
    return new ListValue(List.copyOf(items));
  }

  static Value ofStrings(List<String> items) {
    List<Value> out = new ArrayList<>(items.size());
    for (String s : items) {
      out.add(new Str(s));
    }
    return new ListValue(out);
  }

  default boolean isNull() {
    return this instanceof NullValue;
  }

  /** The absent value; a missing trait reads as this. */
  record NullValue() implements Value {
    @Override
    public String typeName() {
      return "null";
    }

    @Override
    public String toString() {
      return "null";
    }
  }

  record Bool(boolean value) implements Value {
    public static final Bool TRUE = new Bool(true);
    public static final Bool FALSE = new Bool(false);

    @Override
    public String typeName() {
      return "boolean";
    }

    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  record Num(double value) implements Value {
    @Override
    public String typeName() {
      return "number";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Num n && (n.value == value || (Double.isNaN(value) && Double.isNaN(n.value)));
    }

    @Override
    public int hashCode() {
      return Double.hashCode(value == 0.0 ? 0.0 : value);
    }

    @Override
    public String toString() {
      return Numbers.format(value);
    }
  }

  record Str(String value) implements Value {
    public Str {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String typeName() {
      return "string";
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** A calendar date (no time of day), e.g. a birth date. */
  record DateValue(LocalDate value) implements Value {
    public DateValue {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String typeName() {
      return "date";
    }

    @Override
    public String toString() {
      return value.toString();
    }
  }

  /** An instant in UTC, stored to the microsecond like the SQL engines do. */
  record TimeValue(Instant value) implements Value {
    public TimeValue {
      Objects.requireNonNull(value, "value");
      value = value.truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public String typeName() {
      return "timestamp";
    }

    @Override
    public String toString() {
      return value.toString();
    }
  }

  record ListValue(List<Value> items) implements Value {
    public ListValue {
      items = List.copyOf(items);
    }

    @Override
    public String typeName() {
      return "array";
    }
  }

  /** An object with its keys in insertion order (order matters for JSON equality, as in JavaScript). */
  record ObjectValue(Map<String, Value> fields) implements Value {
    public ObjectValue {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public String typeName() {
      return "object";
    }
  }
}
