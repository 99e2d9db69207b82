package io.segmenta.core.rule;

import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.ValueType;

/** The type of value a measure yields, for the type checker and the SQL compiler alike. */
public final class Measures {
  private Measures() {}

  public static ValueType type(Measure m, Schema schema) {
    if (m instanceof Measure.Ratio || m instanceof Measure.Difference) {
      return ValueType.NUMBER;
    }
    Measure.Aggregate a = (Measure.Aggregate) m;
    return switch (a.fn()) {
      case FIRST_TIME, LAST_TIME -> ValueType.TIMESTAMP;
      case FIRST_MONTH -> ValueType.STRING;
      case MODE, FIRST_VALUE -> schema.property(a.property()).map(p -> p.type()).orElse(ValueType.STRING);
      default -> ValueType.NUMBER;
    };
  }
}
