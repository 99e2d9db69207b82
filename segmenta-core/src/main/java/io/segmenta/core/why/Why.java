package io.segmenta.core.why;

import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.IdentifierField;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.Window;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Traces a segment's rule over one profile: every condition with the value it read and whether it holds, the
 * conditions that decided, and for a profile that is out the closest miss.
 *
 * <p>Why this way. Every condition (a trait, an identifier, an aggregate) is decided by the {@link Evaluator} itself
 * on the same history, so a trace can never disagree with the reference semantics on a condition; the trace only
 * combines them with {@code and}, {@code or}, {@code none of} and {@code not} as the evaluator does, and follows
 * segment references into the referred rule. Which conditions decided follows LaunchDarkly's evaluation reasons
 * (docs.launchdarkly.com, "Flag evaluation reasons": the rule that matched, or the prerequisite that failed), read
 * down the tree: the root decides; a deciding {@code and} that holds is decided by all its conditions and one that
 * fails by each failing one; a deciding {@code or} that holds by each holding condition and one that fails by all;
 * {@code none of} as {@code not or}; {@code not} and a segment reference by what they wrap. The closest miss is
 * {@link Misses}.
 */
public final class Why {
  private final Evaluator evaluator;
  private final SegmentResolver segments;

  /** Traces with {@code evaluator}, which must resolve segment references as {@code segments} does. */
  public Why(Evaluator evaluator, SegmentResolver segments) {
    this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
    this.segments = Objects.requireNonNull(segments, "segments");
  }

  /** Traces with the evaluator segments use (strict semantics) at {@code asOf}. */
  public static Why at(Instant asOf, SegmentResolver segments) {
    return new Why(Evaluator.strict(asOf, segments), segments);
  }

  /** Why the profile of {@code history} is in or out of the segment named {@code segment} with rule {@code rule}. */
  public Trace explain(String segment, Rule rule, ProfileHistory history) {
    Deque<String> refs = new ArrayDeque<>();
    refs.push(segment);
    Node root = node(rule, history, refs);
    Step step = root.step(true);
    List<Miss> closest = root.holds() ? List.of() : Misses.closest(root);
    return new Trace(segment, history.profile().id(), evaluator.asOf(), root.holds(), step, closest);
  }

  /** The traced tree before marking: kind, children, verdict, and for a condition what it read. */
  record Node(Rule rule, List<Node> children, boolean holds, Leaf leaf, String segment) {
    Step step(boolean decided) {
      String text = RuleText.print(rule);
      if (leaf != null) {
        return leaf.step(text, holds, decided);
      }
      List<Step> steps = new ArrayList<>();
      for (Node c : children) {
        steps.add(c.step(decided && decides(c)));
      }
      if (segment != null) {
        return new Step.SegmentCheck(text, segment, steps.get(0), holds, decided);
      }
      if (rule instanceof Rule.And) {
        return new Step.All(text, steps, holds, decided);
      } else if (rule instanceof Rule.Or) {
        return new Step.Any(text, steps, holds, decided);
      } else if (rule instanceof Rule.Nor) {
        return new Step.NoneOf(text, steps, holds, decided);
      }
      return new Step.Negation(text, steps.get(0), holds, decided);
    }

    /** Whether {@code child}'s outcome alone gives this node's, given this node decides. */
    private boolean decides(Node child) {
      if (segment != null || rule instanceof Rule.Not) {
        return true;
      }
      if (rule instanceof Rule.And) {
        return holds || !child.holds();
      } else if (rule instanceof Rule.Or) {
        return !holds || child.holds();
      }
      return holds || child.holds(); // none of: all decided when it holds, the holding ones when it fails
    }
  }

  /** What a condition read: its condition and values, and how to show it. */
  record Leaf(Rule.Field field, Rule.MeasureRule measure, Step.Source source, List<Value> values, String definition,
      Window.Interval interval) {
    Step step(String text, boolean holds, boolean decided) {
      if (measure != null) {
        Measure m = measure.measure();
        String window = m instanceof Measure.Aggregate a ? TraceText.window(a.window()) : "";
        return new Step.AggregateCheck(text, RuleText.print(m), window, interval == null ? null : interval.from(),
            interval == null ? null : interval.until(), values.isEmpty() ? Value.NULL : values.get(0), holds, decided);
      }
      return new Step.TraitCheck(text, field.path(), source, values, definition, holds, decided);
    }
  }

  private Node node(Rule r, ProfileHistory h, Deque<String> refs) {
    if (r instanceof Rule.And a) {
      return group(r, a.rules(), h, refs);
    } else if (r instanceof Rule.Or o) {
      return group(r, o.rules(), h, refs);
    } else if (r instanceof Rule.Nor n) {
      return group(r, n.rules(), h, refs);
    } else if (r instanceof Rule.Not n) {
      Node inner = node(n.rule(), h, refs);
      return new Node(r, List.of(inner), !inner.holds(), null, null);
    } else if (r instanceof Rule.SegmentRef s) {
      if (refs.contains(s.name())) {
        List<String> chain = new ArrayList<>(refs);
        Collections.reverse(chain);
        throw RuleException.general("segment '" + s.name() + "' refers to itself through " + String.join(" -> ", chain) + " -> " + s.name());
      }
      Rule target = segments.find(s.name()).orElseThrow(() -> RuleException.general("there is no segment named '" + s.name() + "'"));
      refs.push(s.name());
      try {
        Node inner = node(target, h, refs);
        return new Node(r, List.of(inner), inner.holds(), null, s.name());
      } finally {
        refs.pop();
      }
    } else if (r instanceof Rule.MeasureRule m) {
      Value v = evaluator.measure(m.measure(), h);
      Window.Interval in = m.measure() instanceof Measure.Aggregate a ? a.window().resolve(evaluator.asOf()) : null;
      Leaf leaf = new Leaf(null, m, null, v.isNull() ? List.of() : List.of(v), "", in);
      return new Node(r, List.of(), evaluator.matches(r, h), leaf, null);
    }
    Rule.Field f = (Rule.Field) r;
    return new Node(r, List.of(), evaluator.matches(r, h), fieldLeaf(f, h), null);
  }

  private Node group(Rule r, List<Rule> rules, ProfileHistory h, Deque<String> refs) {
    List<Node> children = new ArrayList<>();
    for (Rule x : rules) {
      children.add(node(x, h, refs));
    }
    boolean holds;
    if (r instanceof Rule.And) {
      holds = children.stream().allMatch(Node::holds);
    } else if (r instanceof Rule.Or) {
      holds = children.isEmpty() || children.stream().anyMatch(Node::holds);
    } else {
      holds = !children.isEmpty() && children.stream().noneMatch(Node::holds);
    }
    return new Node(r, children, holds, null, null);
  }

  private Leaf fieldLeaf(Rule.Field f, ProfileHistory h) {
    if (IdentifierField.is(f.path())) {
      String kind = IdentifierField.kind(f.path()).orElse("");
      List<Value> ids = new ArrayList<>();
      for (Identifier i : h.profile().identifiers()) {
        if (i.kind().equals(kind)) {
          ids.add(new Value.Str(i.value()));
        }
      }
      return new Leaf(f, null, Step.Source.IDENTIFIER, ids, "", null);
    }
    Optional<Measure> computed = ComputedTraits.definition(f.path());
    if (computed.isPresent()) {
      Value v = evaluator.measure(computed.get(), h);
      return new Leaf(f, null, Step.Source.COMPUTED, v.isNull() ? List.of() : List.of(v), RuleText.print(computed.get()), null);
    }
    Value v = read(h, f.path());
    return new Leaf(f, null, Step.Source.STORED, v.isNull() ? List.of() : List.of(v), "", null);
  }

  /** A trait, or a dotted path into an object trait, as the evaluator reads it. */
  private static Value read(ProfileHistory h, String path) {
    String[] parts = path.split("\\.", -1);
    Value v = h.profile().trait(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      if (v instanceof Value.ObjectValue o && o.fields().containsKey(parts[i])) {
        v = o.fields().get(parts[i]);
      } else if (v instanceof Value.ListValue l && parts[i].matches("0|[1-9]\\d{0,8}") && Integer.parseInt(parts[i]) < l.items().size()) {
        v = l.items().get(Integer.parseInt(parts[i]));
      } else if (v instanceof Value.ListValue l && parts[i].equals("length")) {
        v = new Value.Num(l.items().size());
      } else {
        return Value.NULL;
      }
    }
    return v;
  }
}
