package io.segmenta.core.value;

import java.math.BigDecimal;

/** Formats numbers the way people and JavaScript write them: 2 not 2.0, 0.1 not 0.1000000000000000055. */
public final class Numbers {
  private Numbers() {}

  public static String format(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e21) {
      return Long.toString((long) d);
    }
    return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
  }
}
