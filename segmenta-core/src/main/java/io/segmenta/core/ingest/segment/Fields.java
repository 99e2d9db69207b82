package io.segmenta.core.ingest.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenta.core.ingest.Coerce;
import io.segmenta.core.schema.Names;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Instants;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The field-level rules of the tracking API, shared by every call: what a client's name becomes (see
 * {@link Names}), how nested objects flatten, which JSON value fits which declared type, and what no message may
 * hold anywhere (numbers a double cannot hold, NUL, broken Unicode, deep nesting, over-long names).
 */
final class Fields {
  /**
   * Levels of objects flattened into names ({@code a.b.c.d} → {@code a_b_c_d}, as Segmenta always did); an object
   * nested deeper is kept whole in extras.
   */
  static final int FLATTEN_LEVELS = 3;
  /** Deepest nesting a message may have anywhere (Segment's own messages nest 4-5 levels). */
  static final int MAX_DEPTH = 64;
  private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T.*");
  /** Client name → snake_case name (a String) or why it has none (a Refusal); bounded, cleared when full. */
  private static final Map<String, Object> SNAKE = new ConcurrentHashMap<>();

  private Fields() {}

  /** Why a client's name has no internal name. */
  private record Refusal(String message) {}

  /** A leaf of a flattened object: the field as the client wrote it ({@code properties.address.city}), the joined raw name. */
  record Leaf(String field, String raw, JsonNode node) {}

  /** A value that does not fit its declared type: kept in extras (lenient) or refused (strict). */
  static final class Clash extends Exception {
    private static final long serialVersionUID = 1L;

    Clash(String message) {
      super(message, null, false, false);
    }
  }

  /** A date or instant outside {@link Instants}: refused whatever the policy. */
  static final class OutOfRange extends Exception {
    private static final long serialVersionUID = 1L;

    OutOfRange(String message) {
      super(message, null, false, false);
    }
  }

  /** The snake_case form of a client's name (steps 1-4 of {@link Names}), or an IllegalArgumentException. */
  static String snake(String raw) {
    if (SNAKE.size() > 100_000) {
      SNAKE.clear();
    }
    Object r = SNAKE.computeIfAbsent(raw, k -> {
      try {
        return Names.snake(k);
      } catch (IllegalArgumentException e) {
        return new Refusal(e.getMessage());
      }
    });
    if (r instanceof Refusal x) {
      throw new IllegalArgumentException(x.message());
    }
    return (String) r;
  }

  /**
   * Objects flattened into leaves, at most {@link #FLATTEN_LEVELS} levels ({@code address.city} →
   * {@code address_city}); an object nested deeper is kept whole in {@code extras} under its field. Nulls are
   * absences; {@code {"$date": ...}} objects are values.
   */
  static void flatten(String field, String raw, JsonNode n, int level, List<Leaf> out, Map<String, Value> extras) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return;
    }
    if (n.isObject() && JsonValues.dateOrNull(n) == null) {
      if (level > FLATTEN_LEVELS) {
        extras.put(field, JsonValues.fromJson(n));
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(field + "." + e.getKey(), raw.isEmpty() ? e.getKey() : raw + "_" + e.getKey(), e.getValue(), level + 1, out, extras);
      }
      return;
    }
    out.add(new Leaf(field, raw, n));
  }

  /** The type a new name gets from its first value, or null when no declared type can hold it (kept in extras). */
  static ValueType inferred(JsonNode v, boolean lists) {
    if (v.isNumber()) {
      return ValueType.NUMBER;
    }
    if (v.isBoolean()) {
      return ValueType.BOOLEAN;
    }
    if (v.isArray()) {
      if (!lists) {
        return null;
      }
      for (JsonNode x : v) {
        if (!x.isTextual()) {
          return null;
        }
      }
      return ValueType.STRING_LIST;
    }
    if (v.isTextual()) {
      String s = v.textValue();
      if (DATE_TIME.matcher(s).matches()) {
        try {
          OffsetDateTime.parse(s);
          return ValueType.TIMESTAMP;
        } catch (DateTimeParseException e) {
          return ValueType.STRING;
        }
      }
      return ValueType.STRING;
    }
    if (JsonValues.dateOrNull(v) instanceof Value.TimeValue) {
      return ValueType.TIMESTAMP;
    }
    if (JsonValues.dateOrNull(v) instanceof Value.DateValue) {
      return ValueType.DATE;
    }
    return null;
  }

  /** {@code v} as a value of {@code type}: a Clash when it does not fit, OutOfRange for a date or instant outside the range. */
  static Value fit(ValueType type, JsonNode v) throws Clash, OutOfRange {
    Value raw = JsonValues.fromJson(v);
    if (type == ValueType.TIMESTAMP) {
      Instant at;
      try {
        at = v.isTextual() ? Instants.parseAny(v.textValue()) : ((Value.TimeValue) Coerce.standard().timestamp(raw)).value();
      } catch (IllegalArgumentException | ClassCastException e) {
        throw new Clash("expected an ISO-8601 date-time such as 2025-06-01T12:00:00Z, got " + shown(v));
      }
      if (!Instants.accepts(at)) {
        throw new OutOfRange("expected an instant " + Instants.RANGE + ", got " + shown(v));
      }
      return new Value.TimeValue(at);
    }
    if (type == ValueType.DATE) {
      LocalDate d;
      if (raw instanceof Value.DateValue dv) {
        d = dv.value();
      } else if (v.isTextual()) {
        String s = v.textValue().trim();
        try {
          d = LocalDate.parse(s.substring(0, Math.min(10, s.length())));
        } catch (DateTimeParseException e) {
          throw new Clash("expected a date as yyyy-MM-dd, got " + shown(v));
        }
      } else {
        throw new Clash("expected a date as yyyy-MM-dd, got " + shown(v));
      }
      if (!Instants.accepts(d)) {
        throw new OutOfRange("expected a date between " + Instants.MIN_DATE + " and " + Instants.MAX_DATE + ", got " + shown(v));
      }
      return new Value.DateValue(d);
    }
    try {
      return Coerce.standard().to(type, raw);
    } catch (IllegalArgumentException e) {
      throw new Clash(e.getMessage());
    }
  }

  /**
   * The first thing no message may hold, anywhere in it, as a problem message with its field; null when clean:
   * a number a double cannot hold ({@code 1e400}), a string with NUL or broken Unicode (stored, it could never be
   * read back), a {@code {"$date": ...}} outside the accepted instants, a name over {@link Names#CLIENT_NAME_LIMIT}
   * characters or with control characters, nesting deeper than {@link #MAX_DEPTH}. The walk builds no paths: a
   * problem's field is assembled on the way back up, so a clean message (nearly all) costs one pass over its nodes.
   */
  static String[] hostile(JsonNode n, String field, int depth) {
    Found f = scan(n, depth);
    if (f == null) {
      return null;
    }
    StringBuilder path = new StringBuilder(field);
    for (int i = f.path.size() - 1; i >= 0; i--) {
      String seg = f.path.get(i);
      if (!seg.startsWith("[") && path.length() > 0) {
        path.append('.');
      }
      path.append(seg);
    }
    return new String[] {path.length() == 0 ? "(message)" : path.toString(), f.message};
  }

  /** A problem found by {@link #scan}: its message, and the path segments from the node up (innermost first). */
  private static final class Found {
    final String message;
    final List<String> path = new ArrayList<>();

    Found(String message) {
      this.message = message;
    }

    Found at(String segment) {
      path.add(segment);
      return this;
    }
  }

  private static Found scan(JsonNode n, int depth) {
    if (depth > MAX_DEPTH) {
      return new Found("nested more than " + MAX_DEPTH + " levels deep");
    }
    if (n.isTextual()) {
      String s = n.textValue();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == 0 || Character.isSurrogate(c)) {
          if (c == 0) {
            return new Found("must not contain the control character U+0000 (NUL)");
          }
          String bad = Names.badCharacter(s);
          if (bad != null && bad.startsWith("a lone")) {
            return new Found("must not contain " + bad);
          }
          break;
        }
      }
      return null;
    }
    if (n.isNumber()) {
      return Double.isFinite(n.doubleValue()) ? null
          : new Found("expected a number a double can hold (about ±1.8e308), got one of " + n.asText().length() + " characters");
    }
    if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        Found f = scan(n.get(i), depth + 1);
        if (f != null) {
          return f.at("[" + i + "]");
        }
      }
      return null;
    }
    if (n.isObject()) {
      if (n.size() == 1 && n.has("$date")) {
        Value date = JsonValues.dateOrNull(n);
        if ((date instanceof Value.TimeValue t && !Instants.accepts(t.value())) || (date instanceof Value.DateValue d && !Instants.accepts(d.value()))) {
          return new Found("expected an instant " + Instants.RANGE + ", got " + shown(n));
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (key.length() > Names.CLIENT_NAME_LIMIT) {
          return new Found("a name is at most " + Names.CLIENT_NAME_LIMIT + " characters, got " + key.length()).at(shownName(key));
        }
        String bad = Names.badCharacter(key);
        if (bad != null) {
          return new Found("a name must not contain " + bad).at(shownName(key));
        }
        Found f = scan(e.getValue(), depth + 1);
        if (f != null) {
          return f.at(shownName(key));
        }
      }
    }
    return null;
  }

  /** A client's name as an error message may show it: at most 60 characters, control characters escaped. */
  static String shownName(String raw) {
    if (raw.isEmpty()) {
      return "\"\"";
    }
    String s = raw.length() > 60 ? raw.substring(0, 60) + "..." : raw;
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c)) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** A value as an error message or a violation's example shows it: its JSON, shortened. */
  static String shown(JsonNode v) {
    String s = v.isTextual() ? "'" + v.textValue() + "'" : v.toString();
    return shownName(s.length() > 80 ? s.substring(0, 80) + "..." : s);
  }
}
