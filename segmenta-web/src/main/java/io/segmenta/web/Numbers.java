package io.segmenta.web;

import java.util.Locale;

/** How pages write numbers: thousands separated, money with two decimals, shares as percentages, a dash when undefined. */
final class Numbers {
  private Numbers() {}

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String money(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%,.2f", v) : "–";
  }

  static String percent(double share) {
    return Double.isFinite(share) ? String.format(Locale.ROOT, "%.1f\u00a0%%", 100 * share) : "–";
  }

  static String ratio(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "–";
  }

  /** A JSON number: finite values as they are, undefined as null. */
  static String json(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  /** A JSON string: quotes, backslashes and control characters escaped (the page escapes it again as an attribute). */
  static String jsonText(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
