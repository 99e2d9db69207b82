package io.segmenta.core.rule.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.rule.Condition;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Op;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.SourceMap;
import io.segmenta.core.rule.Window;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of rules, for the API. Trait conditions use GrowthBook's MongoDB-style targeting conditions
 * unchanged ({@code {"country": {"$in": ["DK", "NO"]}}}); Segmenta adds {@code $between}, {@code $contains},
 * {@code $startsWith}, {@code $endsWith}, segment references ({@code {"$segment": "students"}}) and behavioral measures:
 * <pre>{"$measure": {"count": {"event": "order", "where": {...}, "window": {"last": 90, "unit": "days"}}}, "$is": {"$gte": 2}}</pre>
 * An object with several keys is the conjunction of its keys, read in order; printing writes that as
 * {@code $and}, so {@code fromJson(toJson(r)).equals(r)} for every rule.
 */
public final class RuleJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
  }

  private RuleJson() {}

  public static ParsedRule parse(String json) {
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
      throw RuleException.general(where + "the rule is not valid JSON: " + e.getOriginalMessage());
    }
    if (n == null) {
      throw RuleException.general("the rule is empty");
    }
    return parse(n);
  }

  public static ParsedRule parse(JsonNode node) {
    SourceMap map = SourceMap.none();
    return new ParsedRule(new Reader(map).rule(node, ""), map);
  }

  public static Rule parseRule(String json) {
    return parse(json).rule();
  }

  public static JsonNode toJson(Rule rule) {
    if (rule instanceof Rule.And a) {
      return F.objectNode().set("$and", rules(a.rules()));
    } else if (rule instanceof Rule.Or o) {
      return F.objectNode().set("$or", rules(o.rules()));
    } else if (rule instanceof Rule.Nor n) {
      return F.objectNode().set("$nor", rules(n.rules()));
    } else if (rule instanceof Rule.Not n) {
      return F.objectNode().set("$not", toJson(n.rule()));
    } else if (rule instanceof Rule.Field f) {
      return F.objectNode().set(f.path(), condition(f.condition()));
    } else if (rule instanceof Rule.SegmentRef s) {
      return F.objectNode().put("$segment", s.name());
    } else {
      Rule.MeasureRule m = (Rule.MeasureRule) rule;
      ObjectNode o = F.objectNode();
      o.set("$measure", measure(m.measure()));
      o.set("$is", condition(m.condition()));
      return o;
    }
  }

  public static String print(Rule rule) {
    return toJson(rule).toString();
  }

  private static ArrayNode rules(List<Rule> rules) {
    ArrayNode a = F.arrayNode();
    rules.forEach(r -> a.add(toJson(r)));
    return a;
  }

  private static JsonNode measure(Measure m) {
    if (m instanceof Measure.Ratio r) {
      ArrayNode a = F.arrayNode();
      a.add(measure(r.numerator()));
      a.add(measure(r.denominator()));
      return F.objectNode().set("ratio", a);
    }
    if (m instanceof Measure.Difference d) {
      ArrayNode a = F.arrayNode();
      a.add(measure(d.left()));
      a.add(measure(d.right()));
      return F.objectNode().set("difference", a);
    }
    Measure.Aggregate agg = (Measure.Aggregate) m;
    ObjectNode body = F.objectNode();
    body.put("event", agg.eventType());
    if (agg.property() != null) {
      body.put("property", agg.property());
    }
    if (agg.filter() != null) {
      body.set("where", toJson(agg.filter()));
    }
    Window w = agg.window();
    if (w instanceof Window.Last l) {
      body.set("window", F.objectNode().put("last", l.amount()).put("unit", l.unit().label(2)));
    } else if (w instanceof Window.Range r) {
      body.set("window", F.objectNode().set("from", JsonValues.toJson(r.from())));
      ((ObjectNode) body.get("window")).set("to", JsonValues.toJson(r.to()));
    } else if (w instanceof Window.Before b) {
      body.set("window", F.objectNode().set("before", JsonValues.toJson(b.bound())));
    } else if (w instanceof Window.After a) {
      body.set("window", F.objectNode().set("after", JsonValues.toJson(a.bound())));
    }
    return F.objectNode().set(agg.fn().label(), body);
  }

  static JsonNode condition(Condition c) {
    if (c instanceof Condition.Equals e) {
      return JsonValues.toJson(e.value());
    }
    ObjectNode o = F.objectNode();
    for (Op op : ((Condition.Ops) c).ops()) {
      o.set(op.key(), opArgument(op));
    }
    return o;
  }

  private static JsonNode opArgument(Op op) {
    if (op instanceof Op.Compare c) {
      return JsonValues.toJson(c.value());
    } else if (op instanceof Op.VersionCompare v) {
      return JsonValues.toJson(v.value());
    } else if (op instanceof Op.In in) {
      return JsonValues.toJson(new Value.ListValue(in.values()));
    } else if (op instanceof Op.Exists e) {
      return F.booleanNode(e.exists());
    } else if (op instanceof Op.Regex r) {
      return F.textNode(r.pattern());
    } else if (op instanceof Op.Type t) {
      return F.textNode(t.typeName());
    } else if (op instanceof Op.Size s) {
      return condition(s.condition());
    } else if (op instanceof Op.ElemMatchValue e) {
      return condition(e.ops());
    } else if (op instanceof Op.ElemMatchRule e) {
      return toJson(e.rule());
    } else if (op instanceof Op.All a) {
      ArrayNode arr = F.arrayNode();
      a.conditions().forEach(c -> arr.add(condition(c)));
      return arr;
    } else if (op instanceof Op.NotOp n) {
      return condition(n.condition());
    } else if (op instanceof Op.InGroup g) {
      return F.textNode(g.group());
    } else if (op instanceof Op.Between b) {
      return F.arrayNode().add(JsonValues.toJson(b.low())).add(JsonValues.toJson(b.high()));
    } else if (op instanceof Op.Contains c) {
      return JsonValues.toJson(c.value());
    } else if (op instanceof Op.StartsWith s) {
      return F.textNode(s.prefix());
    } else if (op instanceof Op.EndsWith e) {
      return F.textNode(e.suffix());
    } else {
      return JsonValues.toJson(((Op.Unknown) op).argument());
    }
  }

  /** Reads JSON into the AST, recording a JSON pointer for each node so that errors can name the spot. */
  private static final class Reader {
    private final SourceMap map;

    Reader(SourceMap map) {
      this.map = map;
    }

    Rule rule(JsonNode n, String ptr) {
      if (!n.isObject()) {
        throw RuleException.atPointer(ptr, "expected a condition object such as {\"country\": \"DK\"} but found " + kind(n));
      }
      List<Rule> parts = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      boolean hasMeasure = n.has("$measure");
      if (hasMeasure != n.has("$is")) {
        throw RuleException.atPointer(ptr, hasMeasure ? "$measure needs $is, the condition its value must meet" : "$is belongs with $measure");
      }
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        JsonNode v = e.getValue();
        String p = ptr + "/" + escape(k);
        switch (k) {
          case "$and", "$or", "$nor" -> {
            if (!v.isArray()) {
              throw RuleException.atPointer(p, k + " takes a list of conditions");
            }
            List<Rule> rules = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
              rules.add(rule(v.get(i), p + "/" + i));
            }
            parts.add(mark(k.equals("$and") ? new Rule.And(rules) : k.equals("$or") ? new Rule.Or(rules) : new Rule.Nor(rules), p));
          }
          case "$not" -> parts.add(mark(new Rule.Not(rule(v, p)), p));
          case "$segment" -> {
            if (!v.isTextual() || v.textValue().isBlank()) {
              throw RuleException.atPointer(p, "$segment takes the name of a saved segment");
            }
            parts.add(mark(new Rule.SegmentRef(v.textValue()), p));
          }
          case "$measure" -> parts.add(mark(new Rule.MeasureRule(measure(v, p), condition(n.get("$is"), ptr + "/$is")), p));
          case "$is" -> { }
          default -> parts.add(mark(new Rule.Field(k, condition(v, p)), p));
        }
      }
      if (parts.size() == 1) {
        return parts.get(0);
      }
      return mark(new Rule.And(parts), ptr);
    }

    Measure measure(JsonNode n, String ptr) {
      if (!n.isObject() || n.size() != 1) {
        throw RuleException.atPointer(ptr, "a measure is one object such as {\"count\": {\"event\": \"order\"}} or {\"ratio\": [m1, m2]}");
      }
      String fnName = n.fieldNames().next();
      JsonNode body = n.get(fnName);
      String p = ptr + "/" + escape(fnName);
      if (fnName.equals("ratio") || fnName.equals("difference")) {
        if (!body.isArray() || body.size() != 2) {
          throw RuleException.atPointer(p, fnName + " takes two measures: [left, right]");
        }
        Measure left = measure(body.get(0), p + "/0");
        Measure right = measure(body.get(1), p + "/1");
        if (!(left instanceof Measure.Aggregate) || !(right instanceof Measure.Aggregate)) {
          throw RuleException.atPointer(p, "a " + fnName + " combines two aggregates; nesting is not supported");
        }
        return mark(fnName.equals("ratio") ? new Measure.Ratio(left, right) : new Measure.Difference(left, right), p);
      }
      Measure.Fn fn = Measure.Fn.parse(fnName);
      if (fn == null) {
        throw RuleException.atPointer(p, "unknown aggregate '" + fnName + "'; expected count, sum, avg, min, max, count_distinct, first_time, last_time, days_since, days_since_first, mode, first_value, first_month, ratio or difference");
      }
      if (!body.isObject() || !body.path("event").isTextual()) {
        throw RuleException.atPointer(p, fnName + " needs {\"event\": \"<event type>\"}");
      }
      Iterator<String> keys = body.fieldNames();
      while (keys.hasNext()) {
        String key = keys.next();
        if (!List.of("event", "property", "where", "window").contains(key)) {
          throw RuleException.atPointer(p + "/" + escape(key), "unknown key; an aggregate has event, property, where and window");
        }
      }
      String property = body.has("property") ? body.get("property").asText() : null;
      if (fn.needsProperty && property == null) {
        throw RuleException.atPointer(p, fnName + " needs a \"property\" to read");
      }
      if (!fn.needsProperty && property != null) {
        throw RuleException.atPointer(p + "/property", fnName + " counts events and takes no property");
      }
      Rule filter = body.has("where") ? rule(body.get("where"), p + "/where") : null;
      Window window = body.has("window") ? window(body.get("window"), p + "/window") : Window.ALL_TIME;
      return mark(new Measure.Aggregate(fn, body.get("event").textValue(), property, filter, window), p);
    }

    Window window(JsonNode w, String p) {
      try {
        if (w.has("last")) {
          Window.Unit unit = Window.Unit.parse(w.path("unit").asText("days"));
          if (unit == null || !w.get("last").canConvertToLong()) {
            throw RuleException.atPointer(p, "expected {\"last\": <whole number>, \"unit\": \"days|weeks|months|years\"}");
          }
          return new Window.Last(w.get("last").longValue(), unit);
        }
        if (w.has("from") && w.has("to")) {
          return new Window.Range(bound(w.get("from"), p + "/from"), bound(w.get("to"), p + "/to"));
        }
        if (w.has("before")) {
          return new Window.Before(bound(w.get("before"), p + "/before"));
        }
        if (w.has("after")) {
          return new Window.After(bound(w.get("after"), p + "/after"));
        }
      } catch (IllegalArgumentException e) {
        throw RuleException.atPointer(p, e.getMessage());
      }
      throw RuleException.atPointer(p, "a window is {\"last\": 90, \"unit\": \"days\"}, {\"from\": d, \"to\": d}, {\"before\": d} or {\"after\": d}");
    }

    Value bound(JsonNode n, String p) {
      Value v = JsonValues.dateOrNull(n);
      if (v == null && n.isTextual()) {
        v = JsonValues.dateOrNull(F.objectNode().put("$date", n.textValue()));
      }
      if (v == null) {
        throw RuleException.atPointer(p, "expected a date such as \"2024-01-31\" or {\"$date\": \"2024-01-31T12:00:00Z\"}");
      }
      return v;
    }

    Condition condition(JsonNode v, String p) {
      if (v.isObject() && isOperatorObject(v) && JsonValues.dateOrNull(v) == null) {
        List<Op> ops = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          ops.add(op(e.getKey(), e.getValue(), p + "/" + escape(e.getKey())));
        }
        return new Condition.Ops(ops);
      }
      return new Condition.Equals(JsonValues.fromJson(v));
    }

    Op op(String k, JsonNode v, String p) {
      Op.Cmp cmp = cmpOf(k);
      if (cmp != null) {
        return new Op.Compare(cmp, JsonValues.fromJson(v));
      }
      if (k.startsWith("$v") && cmpOf("$" + k.substring(2)) != null) {
        return new Op.VersionCompare(cmpOf("$" + k.substring(2)), JsonValues.fromJson(v));
      }
      switch (k) {
        case "$in", "$nin", "$ini", "$nini" -> {
          if (!v.isArray()) {
            return new Op.Unknown(k, JsonValues.fromJson(v));
          }
          return new Op.In(((Value.ListValue) JsonValues.fromJson(v)).items(), k.startsWith("$n"), k.endsWith("i"));
        }
        case "$exists" -> {
          return new Op.Exists(truthy(v));
        }
        case "$regex", "$regexi" -> {
          if (!v.isTextual()) {
            return new Op.Unknown(k, JsonValues.fromJson(v));
          }
          return new Op.Regex(v.textValue(), k.endsWith("i"));
        }
        case "$type" -> {
          if (!v.isTextual()) {
            return new Op.Unknown(k, JsonValues.fromJson(v));
          }
          return new Op.Type(v.textValue());
        }
        case "$size" -> {
          return new Op.Size(condition(v, p));
        }
        case "$elemMatch" -> {
          if (v.isObject() && isOperatorObject(v) && JsonValues.dateOrNull(v) == null) {
            return new Op.ElemMatchValue((Condition.Ops) condition(v, p));
          }
          if (!v.isObject()) {
            return new Op.Unknown(k, JsonValues.fromJson(v));
          }
          return new Op.ElemMatchRule(rule(v, p));
        }
        case "$all", "$alli" -> {
          if (!v.isArray()) {
            return new Op.Unknown(k, JsonValues.fromJson(v));
          }
          List<Condition> conds = new ArrayList<>();
          for (int i = 0; i < v.size(); i++) {
            conds.add(condition(v.get(i), p + "/" + i));
          }
          return new Op.All(conds, k.endsWith("i"));
        }
        case "$not" -> {
          return new Op.NotOp(condition(v, p));
        }
        case "$inGroup", "$notInGroup" -> {
          if (!v.isTextual()) {
            return new Op.Unknown(k, JsonValues.fromJson(v));
          }
          return new Op.InGroup(v.textValue(), k.equals("$notInGroup"));
        }
        case "$between" -> {
          if (!v.isArray() || v.size() != 2) {
            throw RuleException.atPointer(p, "$between takes two bounds: [low, high]");
          }
          return new Op.Between(JsonValues.fromJson(v.get(0)), JsonValues.fromJson(v.get(1)));
        }
        case "$contains" -> {
          return new Op.Contains(JsonValues.fromJson(v));
        }
        case "$startsWith" -> {
          if (!v.isTextual()) {
            throw RuleException.atPointer(p, "$startsWith takes a string");
          }
          return new Op.StartsWith(v.textValue());
        }
        case "$endsWith" -> {
          if (!v.isTextual()) {
            throw RuleException.atPointer(p, "$endsWith takes a string");
          }
          return new Op.EndsWith(v.textValue());
        }
        default -> {
          return new Op.Unknown(k, JsonValues.fromJson(v));
        }
      }
    }

    private <T> T mark(T node, String ptr) {
      map.putPointer(node, ptr.isEmpty() ? "/" : ptr);
      return node;
    }
  }

  private static Op.Cmp cmpOf(String k) {
    for (Op.Cmp c : Op.Cmp.values()) {
      if (c.json.equals(k)) {
        return c;
      }
    }
    return null;
  }

  /** GrowthBook's rule: an object whose keys all start with '$' (and that has keys) is an operator object. */
  static boolean isOperatorObject(JsonNode n) {
    if (n.size() == 0) {
      return false;
    }
    Iterator<String> it = n.fieldNames();
    while (it.hasNext()) {
      if (!it.next().startsWith("$")) {
        return false;
      }
    }
    return true;
  }

  private static boolean truthy(JsonNode v) {
    if (v == null || v.isNull()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    if (v.isTextual()) {
      return !v.textValue().isEmpty();
    }
    return true;
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static String kind(JsonNode n) {
    return n.isArray() ? "a list" : n.isTextual() ? "a string" : n.isNumber() ? "a number" : n.isBoolean() ? "a boolean" : "null";
  }
}
