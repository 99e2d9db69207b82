package io.segmenta.core.schema;

import io.segmenta.core.value.Value;

/** The types the schema can declare for a trait or an event property. */
public enum ValueType {
  NUMBER("number"),
  STRING("string"),
  BOOLEAN("boolean"),
  DATE("date"),
  TIMESTAMP("timestamp"),
  STRING_LIST("list<string>");

  private final String label;

  ValueType(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public boolean isOrdered() {
    return this == NUMBER || this == STRING || this == DATE || this == TIMESTAMP;
  }

  /** Whether a non-null value is of this type. */
  public boolean accepts(Value v) {
    return switch (this) {
      case NUMBER -> v instanceof Value.Num;
      case STRING -> v instanceof Value.Str;
      case BOOLEAN -> v instanceof Value.Bool;
      case DATE -> v instanceof Value.DateValue;
      case TIMESTAMP -> v instanceof Value.TimeValue;
      case STRING_LIST -> v instanceof Value.ListValue l && l.items().stream().allMatch(i -> i instanceof Value.Str);
    };
  }

  public static ValueType parse(String label) {
    for (ValueType t : values()) {
      if (t.label.equalsIgnoreCase(label) || t.name().equalsIgnoreCase(label)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown type '" + label + "', expected one of number, string, boolean, date, timestamp, list<string>");
  }

  @Override
  public String toString() {
    return label;
  }
}
