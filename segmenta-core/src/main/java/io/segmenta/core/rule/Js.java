package io.segmenta.core.rule;

import io.segmenta.core.value.Numbers;
import io.segmenta.core.value.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JavaScript's conversions and comparisons, as far as GrowthBook's condition evaluator relies on them
 * (ECMAScript 2023, sections 7.1 "Type Conversion" and 7.2.13 "IsLessThan").
 */
final class Js {
  private Js() {}

  static boolean truthy(Value v) {
    if (v instanceof Value.NullValue) {
      return false;
    } else if (v instanceof Value.Bool b) {
      return b.value();
    } else if (v instanceof Value.Num n) {
      return n.value() != 0 && !Double.isNaN(n.value());
    } else if (v instanceof Value.Str s) {
      return !s.value().isEmpty();
    }
    return true;
  }

  /** {@code String(v)}. */
  static String toStr(Value v) {
    if (v instanceof Value.NullValue) {
      return "null";
    } else if (v instanceof Value.Num n) {
      return numberToString(n.value());
    } else if (v instanceof Value.ListValue l) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < l.items().size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Value x = l.items().get(i);
        if (!x.isNull()) {
          sb.append(toStr(x));
        }
      }
      return sb.toString();
    } else if (v instanceof Value.ObjectValue) {
      return "[object Object]";
    }
    return v.toString();
  }

  static String numberToString(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Numbers.format(d);
    }
    double a = Math.abs(d);
    if (a != 0 && (a >= 1e21 || a < 1e-6)) {
      String s = new BigDecimal(Double.toString(d)).stripTrailingZeros().toString();
      return s.replace("E+", "e+").replace("E-", "e-").replace("E", "e+");
    }
    return Numbers.format(d);
  }

  /** {@code Number(v)}, i.e. {@code v * 1}. */
  static double toNumber(Value v) {
    if (v instanceof Value.NullValue) {
      return 0;
    } else if (v instanceof Value.Bool b) {
      return b.value() ? 1 : 0;
    } else if (v instanceof Value.Num n) {
      return n.value();
    } else if (v instanceof Value.Str s) {
      return stringToNumber(s.value());
    } else if (v instanceof Value.ListValue || v instanceof Value.DateValue || v instanceof Value.TimeValue) {
      return stringToNumber(toStr(v));
    }
    return Double.NaN;
  }

  static double stringToNumber(String raw) {
    String s = raw.strip();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      if (s.matches("[+-]?Infinity")) {
        return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      }
      if (s.matches("0[xX][0-9a-fA-F]+")) {
        return Long.parseLong(s.substring(2), 16);
      }
      if (s.matches("0[oO][0-7]+")) {
        return Long.parseLong(s.substring(2), 8);
      }
      if (s.matches("0[bB][01]+")) {
        return Long.parseLong(s.substring(2), 2);
      }
      if (s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
        return Double.parseDouble(s);
      }
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** {@code ===}: same type and value; lists and objects are never strictly equal to a different instance. */
  static boolean strictEquals(Value a, Value b) {
    if (a instanceof Value.Num x && b instanceof Value.Num y) {
      return x.value() == y.value();
    }
    if (a instanceof Value.ListValue || a instanceof Value.ObjectValue) {
      return false;
    }
    return a.equals(b);
  }

  /** {@code Array.prototype.includes}: SameValueZero, where NaN equals NaN. */
  static boolean sameValueZero(Value a, Value b) {
    if (a instanceof Value.Num x && b instanceof Value.Num y) {
      return x.value() == y.value() || (Double.isNaN(x.value()) && Double.isNaN(y.value()));
    }
    return strictEquals(a, b);
  }

  private static Value toPrimitive(Value v) {
    if (v instanceof Value.ListValue || v instanceof Value.ObjectValue || v instanceof Value.DateValue
        || v instanceof Value.TimeValue) {
      return new Value.Str(toStr(v));
    }
    return v;
  }

  /** {@code a OP b} for the relational operators; false whenever a NaN takes part. */
  static boolean relational(Op.Cmp op, Value a, Value b) {
    Value pa = toPrimitive(a);
    Value pb = toPrimitive(b);
    int c;
    if (pa instanceof Value.Str x && pb instanceof Value.Str y) {
      c = x.value().compareTo(y.value());
    } else {
      double x = toNumber(pa);
      double y = toNumber(pb);
      if (Double.isNaN(x) || Double.isNaN(y)) {
        return false;
      }
      c = Double.compare(x == 0 ? 0.0 : x, y == 0 ? 0.0 : y);
    }
    return op.test(c);
  }

  /** {@code JSON.stringify(v)}. */
  static String stringify(Value v) {
    if (v instanceof Value.Num n && (Double.isNaN(n.value()) || Double.isInfinite(n.value()))) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    write(v, out);
    return out.toString();
  }

  /*
   * JSON text written here rather than through Jackson, so the language stays free of a JSON library. It writes
   * exactly what Jackson's compact tree printer wrote before (the conformance suites pin it): integers up to 2^53
   * without a fraction, other numbers by Double.toString, non-finite numbers quoted, dates as extended JSON
   * {"$date": ...}, the short escapes \b \t \n \f \r and \\uXXXX (upper-case hex) for other control characters.
   */
  private static void write(Value v, StringBuilder out) {
    if (v instanceof Value.NullValue) {
      out.append("null");
    } else if (v instanceof Value.Bool b) {
      out.append(b.value());
    } else if (v instanceof Value.Num n) {
      double d = n.value();
      if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
        out.append((long) d);
      } else if (Double.isNaN(d) || Double.isInfinite(d)) {
        out.append('"').append(d).append('"');
      } else {
        out.append(d);
      }
    } else if (v instanceof Value.Str str) {
      quote(str.value(), out);
    } else if (v instanceof Value.DateValue d) {
      out.append("{\"$date\":");
      quote(d.value().toString(), out);
      out.append('}');
    } else if (v instanceof Value.TimeValue t) {
      out.append("{\"$date\":");
      quote(t.value().toString(), out);
      out.append('}');
    } else if (v instanceof Value.ListValue l) {
      out.append('[');
      for (int i = 0; i < l.items().size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(l.items().get(i), out);
      }
      out.append(']');
    } else {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Value> e : ((Value.ObjectValue) v).fields().entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(e.getKey(), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** {@code typeof}, refined as GrowthBook's getType: null and array are their own types. */
  static String typeOf(Value v) {
    if (v instanceof Value.NullValue) {
      return "null";
    } else if (v instanceof Value.ListValue) {
      return "array";
    } else if (v instanceof Value.Str) {
      return "string";
    } else if (v instanceof Value.Num) {
      return "number";
    } else if (v instanceof Value.Bool) {
      return "boolean";
    }
    return "object";
  }

  /**
   * GrowthBook's paddedVersionString: drops a leading v and build metadata, splits on '-' and '.', marks a plain
   * x.y.z release as later than its pre-releases with "~", and left-pads numeric parts so strings compare right.
   */
  static String paddedVersion(Value input) {
    String s;
    if (input instanceof Value.Num n) {
      s = numberToString(n.value());
    } else if (input instanceof Value.Str str && !str.value().isEmpty()) {
      s = str.value();
    } else {
      s = "0";
    }
    s = s.replaceAll("^v|\\+.*$", "");
    String[] parts = s.split("[-.]", -1);
    List<String> list = new ArrayList<>(Arrays.asList(parts));
    if (list.size() == 3) {
      list.add("~");
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        sb.append('-');
      }
      String p = list.get(i);
      if (p.matches("[0-9]+") && p.length() < 5) {
        sb.append(" ".repeat(5 - p.length()));
      }
      sb.append(p);
    }
    return sb.toString();
  }
}
