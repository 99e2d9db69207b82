package io.segmenta.core.journey;

import io.segmenta.core.SegmentaException;
import io.segmenta.core.UserException;
import io.segmenta.core.email.template.EmailRenderer;
import io.segmenta.core.email.template.EmailTemplate;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import io.segmenta.core.segment.Segments;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a journey before it is saved or activated, and names the step of every mistake: unknown templates, segments,
 * event types, properties, destinations (audience steps) and traits (a date trait that is not a date; a trait set that is computed or of another
 * type); rules that do not parse or type-check; next steps that do not exist; steps no path reaches; and
 * steps from which no path reaches an end (a loop with no way out never ends).
 *
 * <p>Why two graph walks: reachability is a walk forward from the first step; "ends" is a walk backward from every
 * step that can end (exit, or a send with no next step) over reversed edges. A step outside the second set can only
 * cycle, so anyone who reaches it stays in the journey forever.
 */
public final class JourneyCheck {
  private final Schema schema;
  private final Segments segments;
  private final Definitions<SegmentDefinition> definitions;
  private final Definitions<Destination> destinations;
  private final EmailRenderer renderer = new EmailRenderer();

  /** A check that does not look audience steps' destinations up (they are checked when the step runs). */
  public JourneyCheck(Schema schema, Segments segments, Definitions<SegmentDefinition> definitions) {
    this(schema, segments, definitions, null);
  }

  public JourneyCheck(Schema schema, Segments segments, Definitions<SegmentDefinition> definitions, Definitions<Destination> destinations) {
    this.schema = schema;
    this.segments = segments;
    this.definitions = definitions;
    this.destinations = destinations;
  }

  /** Every problem, each naming its place; empty when the journey may be saved. */
  public List<String> problems(Journey j) {
    List<String> out = new ArrayList<>();
    String where = "journey '" + j.key() + "'";
    if (j.trigger() instanceof Trigger.OnEvent e) {
      if (schema.eventType(e.eventType()).isEmpty()) {
        out.add(where + ", trigger: unknown event type '" + e.eventType() + "'");
      }
      for (String p : e.where().keySet()) {
        if (schema.property(p).isEmpty()) {
          out.add(where + ", trigger: unknown property '" + p + "'");
        }
      }
    } else if (j.trigger() instanceof Trigger.OnSegment s && definitions.find(s.segment()).isEmpty()) {
      out.add(where + ", trigger: unknown segment '" + s.segment() + "'");
    } else if (j.trigger() instanceof Trigger.OnSchedule s && definitions.find(s.segment()).isEmpty()) {
      out.add(where + ", trigger: unknown segment '" + s.segment() + "'");
    } else if (j.trigger() instanceof Trigger.OnDate d) {
      dateTrait(d.trait(), where + ", trigger", out);
    }
    rule(j.goal(), where + ", goal", out);
    for (int i = 0; i < j.exits().size(); i++) {
      rule(j.exits().get(i), where + ", exits[" + i + "]", out);
    }
    for (EmailTemplate t : j.templates().values()) {
      try {
        renderer.check(t);
      } catch (SegmentaException e) {
        out.add(where + ", template '" + t.key() + "': " + e.getMessage());
      }
    }
    Map<String, Step> byId = new HashMap<>();
    j.steps().forEach(s -> byId.put(s.id(), s));
    for (Step s : j.steps()) {
      String at = where + ", step '" + s.id() + "'";
      for (String n : s.next()) {
        if (n == null || !byId.containsKey(n)) {
          out.add(at + ": next step '" + n + "' does not exist");
        }
      }
      if (s instanceof Step.Branch b) {
        rule(b.rule(), at, out);
      } else if (s instanceof Step.WaitFor w) {
        rule(w.rule(), at, out);
      } else if (s instanceof Step.WaitForDate w) {
        dateTrait(w.trait(), at, out);
      } else if (s instanceof Step.SetTraits t) {
        for (Map.Entry<String, Value> e : t.traits().entrySet()) {
          Optional<TraitDef> d = schema.trait(e.getKey());
          if (d.isEmpty() || !d.get().stored()) {
            out.add(at + ": " + (d.isEmpty() ? "unknown trait '" : "trait '") + e.getKey() + (d.isEmpty() ? "'" : "' is computed, not stored"));
          } else if (!e.getValue().isNull() && !d.get().type().accepts(e.getValue())) {
            out.add(at + ": trait '" + e.getKey() + "' is " + d.get().type() + ", got " + e.getValue());
          }
        }
      } else if (s instanceof Step.Audience a && destinations != null) {
        Optional<Destination> d = destinations.find(a.destination());
        String problem = d.isEmpty() ? "unknown destination '" + a.destination() + "'" : AudienceSteps.unfit(d.get());
        if (problem != null) {
          out.add(at + ": " + problem);
        }
      } else if (s instanceof Step.SendEmail m && !j.templates().containsKey(m.template())) {
        out.add(at + ": unknown template '" + m.template() + "'; the journey's templates: " + j.templates().keySet());
      }
    }
    Set<String> reached = walk(List.of(j.first().id()), forward(j, byId));
    for (Step s : j.steps()) {
      if (!reached.contains(s.id())) {
        out.add(where + ", step '" + s.id() + "': unreachable from the first step '" + j.first().id() + "'");
      }
    }
    List<String> ends = j.steps().stream().filter(s -> s.next().isEmpty()).map(Step::id).toList();
    Set<String> ending = walk(ends, backward(j, byId));
    for (Step s : j.steps()) {
      if (reached.contains(s.id()) && !ending.contains(s.id())) {
        out.add(where + ", step '" + s.id() + "': never ends (every path from it loops; add an exit)");
      }
    }
    return out;
  }

  /** Throws one error listing every problem. */
  public void require(Journey j) {
    List<String> p = problems(j);
    if (!p.isEmpty()) {
      throw new UserException(String.join("; ", p));
    }
  }

  private void dateTrait(String trait, String at, List<String> out) {
    Optional<TraitDef> d = schema.trait(trait);
    if (d.isEmpty()) {
      out.add(at + ": unknown trait '" + trait + "'");
    } else if (d.get().type() != ValueType.DATE && d.get().type() != ValueType.TIMESTAMP) {
      out.add(at + ": trait '" + trait + "' is " + d.get().type() + ", not a date or timestamp");
    }
  }

  private void rule(String rule, String at, List<String> out) {
    if (rule == null) {
      return;
    }
    try {
      segments.check(rule);
    } catch (SegmentaException e) {
      out.add(at + ": " + e.getMessage());
    }
  }

  private static Map<String, List<String>> forward(Journey j, Map<String, Step> byId) {
    Map<String, List<String>> edges = new HashMap<>();
    for (Step s : j.steps()) {
      edges.put(s.id(), s.next().stream().filter(byId::containsKey).toList());
    }
    return edges;
  }

  private static Map<String, List<String>> backward(Journey j, Map<String, Step> byId) {
    Map<String, List<String>> edges = new HashMap<>();
    for (Step s : j.steps()) {
      for (String n : s.next()) {
        if (byId.containsKey(n)) {
          edges.computeIfAbsent(n, k -> new ArrayList<>()).add(s.id());
        }
      }
    }
    return edges;
  }

  private static Set<String> walk(List<String> from, Map<String, List<String>> edges) {
    Set<String> seen = new HashSet<>(from);
    Deque<String> todo = new ArrayDeque<>(from);
    while (!todo.isEmpty()) {
      for (String n : edges.getOrDefault(todo.pop(), List.of())) {
        if (seen.add(n)) {
          todo.push(n);
        }
      }
    }
    return seen;
  }
}
