package io.segmenta.core.value.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between {@link Value} and JSON. Dates and instants, which JSON lacks, travel as MongoDB extended JSON:
 * {@code {"$date": "2024-01-31"}} and {@code {"$date": "2024-01-31T12:00:00Z"}}.
 */
public final class JsonValues {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private JsonValues() {}

  public static JsonNode toJson(Value v) {
    if (v instanceof Value.NullValue) {
      return F.nullNode();
    } else if (v instanceof Value.Bool b) {
      return F.booleanNode(b.value());
    } else if (v instanceof Value.Num n) {
      double d = n.value();
      if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
        return F.numberNode((long) d);
      }
      return F.numberNode(d);
    } else if (v instanceof Value.Str s) {
      return F.textNode(s.value());
    } else if (v instanceof Value.DateValue d) {
      return F.objectNode().put("$date", d.value().toString());
    } else if (v instanceof Value.TimeValue t) {
      return F.objectNode().put("$date", t.value().toString());
    } else if (v instanceof Value.ListValue l) {
      ArrayNode a = F.arrayNode();
      l.items().forEach(i -> a.add(toJson(i)));
      return a;
    } else {
      ObjectNode o = F.objectNode();
      ((Value.ObjectValue) v).fields().forEach((k, x) -> o.set(k, toJson(x)));
      return o;
    }
  }

  /** The compact JSON text of a value (the form a decision carries its content's payload in). */
  public static String toJsonText(Value v) {
    return toJson(v).toString();
  }

  /** Reads a JSON value; a {@code {"$date": ...}} object becomes a date or an instant. */
  public static Value fromJson(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return Value.NULL;
    }
    if (n.isBoolean()) {
      return Value.of(n.booleanValue());
    }
    if (n.isNumber()) {
      return new Value.Num(n.doubleValue());
    }
    if (n.isTextual()) {
      return new Value.Str(n.textValue());
    }
    if (n.isArray()) {
      List<Value> items = new ArrayList<>(n.size());
      n.forEach(x -> items.add(fromJson(x)));
      return new Value.ListValue(items);
    }
    Value date = dateOrNull(n);
    if (date != null) {
      return date;
    }
    Map<String, Value> fields = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      fields.put(e.getKey(), fromJson(e.getValue()));
    }
    return new Value.ObjectValue(fields);
  }

  /** The date or instant an extended-JSON {@code {"$date": "..."}} holds, or null if {@code n} is not one. */
  public static Value dateOrNull(JsonNode n) {
    if (n != null && n.isObject() && n.size() == 1 && n.has("$date") && n.get("$date").isTextual()) {
      String s = n.get("$date").textValue();
      try {
        if (s.length() == 10) {
          return new Value.DateValue(LocalDate.parse(s));
        }
        Instant i = OffsetDateTime.parse(s).toInstant();
        return new Value.TimeValue(i);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }
}
