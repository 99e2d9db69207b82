package io.segmenta.core.why;

import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One condition of a traced rule, with whether it holds for the profile and whether it decided the verdict: a node
 * decides when its parent decides and its outcome alone would give the parent's (see {@link Why}).
 */
public sealed interface Step {

  /** The condition as written in the rule's text syntax. */
  String text();

  boolean holds();

  boolean decided();

  /** {@code and}: holds when every step holds. */
  record All(String text, List<Step> steps, boolean holds, boolean decided) implements Step {
    public All {
      steps = List.copyOf(steps);
    }
  }

  /** {@code or}: holds when some step holds (an empty {@code or} holds, as in GrowthBook). */
  record Any(String text, List<Step> steps, boolean holds, boolean decided) implements Step {
    public Any {
      steps = List.copyOf(steps);
    }
  }

  /** {@code none of}: holds when no step holds. */
  record NoneOf(String text, List<Step> steps, boolean holds, boolean decided) implements Step {
    public NoneOf {
      steps = List.copyOf(steps);
    }
  }

  /** {@code not}: holds when its step does not. */
  record Negation(String text, Step step, boolean holds, boolean decided) implements Step {
    public Negation {
      Objects.requireNonNull(step, "step");
    }
  }

  /** Where a trait's value comes from. */
  enum Source {
    /** Stored on the profile (imported, tracked, or a score). */
    STORED,
    /** Computed from the profile's events at "as of" ({@code definition} says how). */
    COMPUTED,
    /** The profile's identifiers of one kind ({@code identifier.email}); several after a merge. */
    IDENTIFIER
  }

  /**
   * A condition on a trait: the trait (or {@code identifier.<kind>}), where its value comes from, the values read
   * (one, or none when missing; identifiers may be several) and, for a computed trait, its definition.
   */
  record TraitCheck(String text, String trait, Source source, List<Value> values, String definition, boolean holds, boolean decided)
      implements Step {
    public TraitCheck {
      Objects.requireNonNull(trait, "trait");
      Objects.requireNonNull(source, "source");
      values = List.copyOf(values);
      definition = definition == null ? "" : definition;
    }
  }

  /**
   * A behavioural condition: the measure as written, its window in words and as resolved at "as of" ({@code from}
   * null: open; {@code until} exclusive), and the value it took for the profile (missing when undefined).
   */
  record AggregateCheck(String text, String measure, String window, Instant from, Instant until, Value value, boolean holds, boolean decided)
      implements Step {
    public AggregateCheck {
      Objects.requireNonNull(measure, "measure");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Membership in another saved segment, with the trace of that segment's rule. */
  record SegmentCheck(String text, String segment, Step rule, boolean holds, boolean decided) implements Step {
    public SegmentCheck {
      Objects.requireNonNull(segment, "segment");
      Objects.requireNonNull(rule, "rule");
    }
  }
}
