package io.segmenta.web;

import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.value.Value;
import io.segmenta.core.why.Miss;
import io.segmenta.core.why.Step;
import io.segmenta.core.why.Trace;
import io.segmenta.core.why.TraceText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A why-trace as the pages show it: one row per condition (indented as the rule nests) with its mark, the value it
 * read and whether it decided, then the closest miss. Masked for viewers: what a stored trait or an identifier holds
 * is personal data; aggregates and computed traits are what Segmenta derives and stay visible.
 */
final class WhyView {
  private WhyView() {}

  static Map<String, Object> model(Trace t, boolean mask) {
    Map<String, Object> m = new HashMap<>();
    m.put("segment", t.segment());
    m.put("member", t.member());
    m.put("traceAsOf", t.asOf().toString());
    List<Map<String, Object>> rows = new ArrayList<>();
    rows(rows, t.root(), 0, mask);
    m.put("steps", rows);
    m.put("misses", misses(t, mask));
    return m;
  }

  /** One line: what decided for a member, the closest miss for someone out. */
  static String summary(Trace t, boolean mask) {
    if (!t.member()) {
      List<String> misses = misses(t, mask);
      return misses.isEmpty() ? "out; no change of these values alone would bring them in" : "out: " + String.join("; ", misses);
    }
    StringJoiner j = new StringJoiner("; ");
    decidedLeaves(t.root(), j);
    return "in: " + j;
  }

  private static void decidedLeaves(Step s, StringJoiner j) {
    if (!s.decided()) {
      return;
    }
    List<Step> children = children(s);
    if (children.isEmpty()) {
      j.add(s.text());
    }
    children.forEach(c -> decidedLeaves(c, j));
  }

  static List<String> misses(Trace t, boolean mask) {
    List<String> out = new ArrayList<>();
    for (Miss m : t.closestMiss()) {
      boolean personal = mask && !m.subject().contains("(") && ComputedTraits.definition(m.subject()).isEmpty();
      out.add(personal ? m.subject() + " is " + Masking.MASK + "; needs " + m.needs() : m.sentence());
    }
    return out;
  }

  private static void rows(List<Map<String, Object>> rows, Step s, int depth, boolean mask) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("depth", depth);
    r.put("indent", depth * 1.5);
    r.put("holds", s.holds());
    r.put("decided", s.decided());
    String label;
    String value = "";
    String detail = "";
    if (s instanceof Step.All) {
      label = "all of";
    } else if (s instanceof Step.Any) {
      label = "any of";
    } else if (s instanceof Step.NoneOf) {
      label = "none of";
    } else if (s instanceof Step.Negation) {
      label = "not";
    } else if (s instanceof Step.SegmentCheck c) {
      label = "in segment " + c.segment();
    } else if (s instanceof Step.TraitCheck c) {
      label = c.text();
      boolean personal = mask && c.source() != Step.Source.COMPUTED;
      value = c.trait() + " = " + (personal && !c.values().isEmpty() ? Masking.MASK : TraceText.values(c.values()));
      detail = c.source() == Step.Source.COMPUTED ? "computed as " + c.definition()
          : c.source() == Step.Source.IDENTIFIER ? "identifiers of the profile" : "stored trait";
    } else {
      Step.AggregateCheck c = (Step.AggregateCheck) s;
      label = c.text();
      value = c.measure() + " = " + TraceText.values(c.value().isNull() ? List.<Value>of() : List.of(c.value()));
      detail = c.window().isEmpty() ? "" : c.window() + (c.from() == null ? "" : " (" + c.from() + " to " + c.until() + ")");
    }
    r.put("label", label);
    r.put("value", value);
    r.put("detail", detail);
    rows.add(r);
    for (Step c : children(s)) {
      rows(rows, c, depth + 1, mask);
    }
  }

  private static List<Step> children(Step s) {
    if (s instanceof Step.All a) {
      return a.steps();
    } else if (s instanceof Step.Any a) {
      return a.steps();
    } else if (s instanceof Step.NoneOf n) {
      return n.steps();
    } else if (s instanceof Step.Negation n) {
      return List.of(n.step());
    } else if (s instanceof Step.SegmentCheck c) {
      return List.of(c.rule());
    }
    return List.of();
  }
}
