package io.segmenta.core.why.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.value.Value;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.why.Miss;
import io.segmenta.core.why.Step;
import io.segmenta.core.why.Trace;
import java.util.List;
import java.util.Locale;

/**
 * A trace as JSON: {@code {"segment", "profile", "as_of", "member", "trace": step, "closest_miss": [...]}}; each step
 * has {@code kind} (all, any, none_of, not, segment, trait, aggregate), {@code text}, {@code holds}, {@code decided},
 * and its children ({@code steps}) or what it read (a trait's {@code values} and {@code source}, an aggregate's
 * {@code value}, {@code window}, {@code from} and {@code until}).
 */
public final class TraceJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private TraceJson() {}

  public static ObjectNode toJson(Trace t) {
    ObjectNode o = F.objectNode();
    o.put("segment", t.segment());
    o.put("profile", t.profileId());
    o.put("as_of", t.asOf().toString());
    o.put("member", t.member());
    o.set("trace", step(t.root()));
    ArrayNode misses = o.putArray("closest_miss");
    for (Miss m : t.closestMiss()) {
      ObjectNode x = misses.addObject();
      x.put("condition", m.condition());
      x.put("subject", m.subject());
      x.set("actual", values(m.actual()));
      x.put("needs", m.needs());
      x.put("distance", m.distance());
      x.put("sentence", m.sentence());
    }
    return o;
  }

  private static ObjectNode step(Step s) {
    ObjectNode o = F.objectNode();
    o.put("kind", kind(s));
    o.put("text", s.text());
    o.put("holds", s.holds());
    o.put("decided", s.decided());
    if (s instanceof Step.All a) {
      children(o, a.steps());
    } else if (s instanceof Step.Any a) {
      children(o, a.steps());
    } else if (s instanceof Step.NoneOf n) {
      children(o, n.steps());
    } else if (s instanceof Step.Negation n) {
      children(o, List.of(n.step()));
    } else if (s instanceof Step.SegmentCheck c) {
      o.put("segment", c.segment());
      children(o, List.of(c.rule()));
    } else if (s instanceof Step.TraitCheck c) {
      o.put("trait", c.trait());
      o.put("source", c.source().name().toLowerCase(Locale.ROOT));
      o.set("values", values(c.values()));
      if (!c.definition().isEmpty()) {
        o.put("definition", c.definition());
      }
    } else if (s instanceof Step.AggregateCheck c) {
      o.put("measure", c.measure());
      o.set("value", JsonValues.toJson(c.value()));
      o.put("window", c.window());
      o.put("from", c.from() == null ? null : c.from().toString());
      o.put("until", c.until() == null ? null : c.until().toString());
    }
    return o;
  }

  private static String kind(Step s) {
    if (s instanceof Step.All) {
      return "all";
    } else if (s instanceof Step.Any) {
      return "any";
    } else if (s instanceof Step.NoneOf) {
      return "none_of";
    } else if (s instanceof Step.Negation) {
      return "not";
    } else if (s instanceof Step.SegmentCheck) {
      return "segment";
    } else if (s instanceof Step.TraitCheck) {
      return "trait";
    }
    return "aggregate";
  }

  private static void children(ObjectNode o, List<Step> steps) {
    ArrayNode a = o.putArray("steps");
    steps.forEach(s -> a.add(step(s)));
  }

  private static ArrayNode values(List<Value> values) {
    ArrayNode a = F.arrayNode();
    values.forEach(v -> a.add(JsonValues.toJson(v)));
    return a;
  }
}
