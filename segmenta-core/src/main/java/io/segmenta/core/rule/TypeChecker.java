package io.segmenta.core.rule;

import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a rule against the schema before anything runs: every trait, event type and property must be declared,
 * every operator must make sense for the type it is applied to, every literal must have that type, and every
 * segment referred to must exist without a cycle. A rule that passes compiles to SQL and evaluates in memory
 * with the same result; the first problem found is thrown as a {@link RuleException} pointing at its place.
 */
public final class TypeChecker {
  /** Regular-expression features Java has but RE2 (the SQL engines' regex library) does not. */
  private static final Pattern NON_RE2 = Pattern.compile("\\(\\?[=!]|\\(\\?<[=!]|\\\\[1-9]|\\(\\?>|[*+?}][+]");

  private final Schema schema;
  private final SegmentResolver segments;

  public TypeChecker(Schema schema, SegmentResolver segments) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.segments = Objects.requireNonNull(segments, "segments");
  }

  public void check(ParsedRule parsed) {
    check(parsed.rule(), parsed.sourceMap(), new ArrayDeque<>());
  }

  /** Checks a rule that will be saved as {@code name}, so that a reference back to it is caught as a cycle. */
  public void check(String name, ParsedRule parsed) {
    Deque<String> path = new ArrayDeque<>();
    path.push(name);
    check(parsed.rule(), parsed.sourceMap(), path);
  }

  private void check(Rule rule, SourceMap map, Deque<String> refs) {
    new Walk(map, refs, null).rule(rule);
  }

  private final class Walk {
    private final SourceMap map;
    private final Deque<String> refs;
    /** The event type whose properties fields refer to (inside a where filter), or null for profile traits. */
    private final EventTypeDef event;

    Walk(SourceMap map, Deque<String> refs, EventTypeDef event) {
      this.map = map;
      this.refs = refs;
      this.event = event;
    }

    void rule(Rule r) {
      if (r instanceof Rule.And a) {
        a.rules().forEach(this::rule);
      } else if (r instanceof Rule.Or o) {
        o.rules().forEach(this::rule);
      } else if (r instanceof Rule.Nor n) {
        n.rules().forEach(this::rule);
      } else if (r instanceof Rule.Not n) {
        rule(n.rule());
      } else if (r instanceof Rule.Field f) {
        field(f);
      } else if (r instanceof Rule.SegmentRef s) {
        segment(s);
      } else {
        measureRule((Rule.MeasureRule) r);
      }
    }

    private void field(Rule.Field f) {
      ValueType type;
      if (event != null) {
        if (!event.has(f.path())) {
          throw map.error(f, "event type '" + event.name() + "' has no property '" + f.path() + "'" + NearestName.hint(f.path(), event.properties())
              + "; it has " + String.join(", ", event.properties()));
        }
        type = schema.property(f.path()).map(PropertyDef::type).orElseThrow();
      } else if (IdentifierField.is(f.path())) {
        if (IdentifierField.kind(f.path()).isEmpty()) {
          throw map.error(f, "'" + f.path() + "' names no identifier kind: write identifier.<kind> with a lower_snake_case kind, e.g. identifier.email");
        }
        type = ValueType.STRING;
      } else if (IdentifierField.kind(f.path(), schema).isPresent()) {
        // A bare identifier kind with no trait of that name (email exists): see IdentifierField.
        type = ValueType.STRING;
      } else {
        Optional<TraitDef> t = schema.trait(f.path());
        if (t.isEmpty()) {
          String hint = List.of("user_id", "customer_id", "crm_id").contains(f.path())
              ? "; an identifier is read as identifier." + f.path() + " (e.g. identifier." + f.path() + " exists)"
              : suggestion(f.path()) + "; declare it in the schema first";
          throw map.error(f, "unknown trait '" + f.path() + "'" + hint);
        }
        type = t.get().type();
      }
      condition(f, f.path(), type, f.condition());
    }

    private String suggestion(String name) {
      return NearestName.hint(name, schema.traits().stream().map(TraitDef::name).toList());
    }

    private void segment(Rule.SegmentRef s) {
      if (refs.contains(s.name())) {
        List<String> chain = new ArrayList<>(refs);
        Collections.reverse(chain);
        throw map.error(s, "segment '" + s.name() + "' would refer to itself: " + String.join(" -> ", chain) + " -> " + s.name());
      }
      Rule target = segments.find(s.name()).orElseThrow(() -> map.error(s, "there is no saved segment named '" + s.name() + "'"
          + NearestName.hint(s.name(), segments.names())));
      refs.push(s.name());
      try {
        new Walk(SourceMap.none(), refs, null).rule(target);
      } catch (RuleException e) {
        throw map.error(s, "segment '" + s.name() + "' cannot be used: " + e.reason());
      } finally {
        refs.pop();
      }
    }

    private void measureRule(Rule.MeasureRule m) {
      if (event != null) {
        throw map.error(m, "an aggregate cannot be used inside a where filter");
      }
      measure(m.measure());
      condition(m, "the aggregate", Measures.type(m.measure(), schema), m.condition());
    }

    private void measure(Measure m) {
      if (m instanceof Measure.Ratio || m instanceof Measure.Difference) {
        Measure left = m instanceof Measure.Ratio r ? r.numerator() : ((Measure.Difference) m).left();
        Measure right = m instanceof Measure.Ratio r ? r.denominator() : ((Measure.Difference) m).right();
        measure(left);
        measure(right);
        if (Measures.type(left, schema) != ValueType.NUMBER || Measures.type(right, schema) != ValueType.NUMBER) {
          throw map.error(m, "'/' and '-' combine numbers; first_time, last_time, first_month, mode and first_value may give other types");
        }
        return;
      }
      Measure.Aggregate a = (Measure.Aggregate) m;
      List<String> types = schema.eventTypes().stream().map(EventTypeDef::name).toList();
      EventTypeDef et = schema.eventType(a.eventType()).orElseThrow(() -> map.error(a,
          "unknown event type '" + a.eventType() + "'" + NearestName.hint(a.eventType(), types) + "; known types are " + String.join(", ", types)));
      if (a.property() != null) {
        if (!et.has(a.property())) {
          throw map.error(a, "event type '" + et.name() + "' has no property '" + a.property() + "'" + NearestName.hint(a.property(), et.properties())
              + "; it has " + String.join(", ", et.properties()));
        }
        ValueType pt = schema.property(a.property()).orElseThrow().type();
        boolean anyType = a.fn() == Measure.Fn.COUNT_DISTINCT || a.fn() == Measure.Fn.MODE || a.fn() == Measure.Fn.FIRST_VALUE;
        if (!anyType && pt != ValueType.NUMBER) {
          throw map.error(a, a.fn().label() + " needs a number, but " + et.name() + "." + a.property() + " is a " + pt);
        }
      }
      if (a.fn() == Measure.Fn.FIRST_VALUE && et.derived()) {
        throw map.error(a, "first_value reads events, not the lines of orders; use mode(" + et.name() + "." + a.property() + ") or first_value(order...)");
      }
      if (a.filter() != null) {
        new Walk(map, refs, et).rule(a.filter());
      }
    }

    private void condition(Object node, String what, ValueType type, Condition c) {
      if (c instanceof Condition.Equals e) {
        literal(node, what, type, e.value(), "is");
        return;
      }
      for (Op op : ((Condition.Ops) c).ops()) {
        op(node, what, type, op);
      }
    }

    private void op(Object node, String what, ValueType type, Op op) {
      String label = what + " (" + type + ")";
      if (op instanceof Op.Compare c) {
        if (c.cmp() != Op.Cmp.EQ && c.cmp() != Op.Cmp.NE && !type.isOrdered()) {
          throw map.error(node, "operator " + c.cmp().symbol + " cannot compare " + label + "; use = or !=");
        }
        nonNull(node, c.value(), c.cmp().symbol);
        literal(node, what, type, c.value(), c.cmp().symbol);
      } else if (op instanceof Op.VersionCompare v) {
        need(node, type == ValueType.STRING, "version comparisons need a string, but " + label + " is not one");
        nonNull(node, v.value(), "version");
        literal(node, what, type, v.value(), "version");
      } else if (op instanceof Op.In in) {
        ValueType element = type == ValueType.STRING_LIST ? ValueType.STRING : type;
        need(node, !in.ignoreCase() || element == ValueType.STRING, "'ignoring case' needs strings, but " + label + " holds none");
        for (Value v : in.values()) {
          nonNull(node, v, in.negated() ? "not in" : "in");
          literal(node, what, element, v, in.negated() ? "not in" : "in");
        }
      } else if (op instanceof Op.Exists) {
        return;
      } else if (op instanceof Op.Regex r) {
        need(node, type == ValueType.STRING, "'matches' needs a string, but " + label + " is not one");
        try {
          Pattern.compile(r.pattern());
        } catch (PatternSyntaxException e) {
          throw map.error(node, "the regular expression \"" + r.pattern() + "\" is invalid: " + e.getDescription());
        }
        need(node, !NON_RE2.matcher(r.pattern()).find(), "the regular expression \"" + r.pattern() + "\" uses look-around, back-references or possessive quantifiers, which the SQL engine (RE2) does not support");
      } else if (op instanceof Op.Type t) {
        need(node, List.of("null", "number", "string", "boolean", "date", "timestamp", "array").contains(t.typeName()),
            "unknown type name \"" + t.typeName() + "\"; expected null, number, string, boolean, date, timestamp or array");
      } else if (op instanceof Op.Size s) {
        need(node, type == ValueType.STRING_LIST, "'size' needs a list, but " + label + " is not one");
        condition(node, "the size of " + what, ValueType.NUMBER, s.condition());
      } else if (op instanceof Op.ElemMatchValue e) {
        need(node, type == ValueType.STRING_LIST, "'any' needs a list, but " + label + " is not one");
        condition(node, "an element of " + what, ValueType.STRING, e.ops());
      } else if (op instanceof Op.ElemMatchRule) {
        throw map.error(node, "'any (...)' applies to lists of objects, and " + label + " is not one; use any { ... } for lists of values");
      } else if (op instanceof Op.All a) {
        need(node, type == ValueType.STRING_LIST, "'all' needs a list, but " + label + " is not one");
        for (Condition c : a.conditions()) {
          condition(node, "an element of " + what, ValueType.STRING, c);
        }
      } else if (op instanceof Op.NotOp n) {
        condition(node, what, type, n.condition());
      } else if (op instanceof Op.InGroup) {
        throw map.error(node, "saved groups ($inGroup) are not available in segments; refer to a saved segment with segment \"name\"");
      } else if (op instanceof Op.Between b) {
        need(node, type.isOrdered(), "'between' cannot compare " + label);
        nonNull(node, b.low(), "between");
        nonNull(node, b.high(), "between");
        literal(node, what, type, b.low(), "between");
        literal(node, what, type, b.high(), "between");
      } else if (op instanceof Op.Contains c) {
        need(node, type == ValueType.STRING || type == ValueType.STRING_LIST, "'contains' needs a string or a list, but " + label + " is neither");
        need(node, c.value() instanceof Value.Str, "'contains' takes a string, got " + RuleText.print(c.value()));
      } else if (op instanceof Op.StartsWith) {
        need(node, type == ValueType.STRING, "'starts with' needs a string, but " + label + " is not one");
      } else if (op instanceof Op.EndsWith) {
        need(node, type == ValueType.STRING, "'ends with' needs a string, but " + label + " is not one");
      } else if (op instanceof Op.Unknown u) {
        throw map.error(node, "unknown operator " + u.name() + " (or an argument of the wrong shape)");
      }
    }

    private void nonNull(Object node, Value v, String op) {
      need(node, !v.isNull(), "'" + op + " null' never matches; use 'missing' or 'exists'");
    }

    private void literal(Object node, String what, ValueType type, Value v, String op) {
      if (v.isNull()) {
        return;
      }
      boolean ok = type.accepts(v) || (type == ValueType.TIMESTAMP && v instanceof Value.DateValue);
      if (!ok) {
        String expected = type == ValueType.TIMESTAMP ? "a date or timestamp" : type == ValueType.DATE ? "a date such as 2024-01-31" : "a " + type;
        throw map.error(node, what + " is " + article(type) + ", but '" + op + "' is given " + describe(v) + "; expected " + expected);
      }
    }

    private void need(Object node, boolean ok, String reason) {
      if (!ok) {
        throw map.error(node, reason);
      }
    }
  }

  private static String article(ValueType t) {
    return switch (t) {
      case NUMBER -> "a number";
      case STRING -> "a string";
      case BOOLEAN -> "a boolean";
      case DATE -> "a date";
      case TIMESTAMP -> "a timestamp";
      case STRING_LIST -> "a list of strings";
    };
  }

  private static String describe(Value v) {
    return (v instanceof Value.ListValue ? "the list " : v instanceof Value.Str ? "the text " : "") + RuleText.print(v);
  }
}
