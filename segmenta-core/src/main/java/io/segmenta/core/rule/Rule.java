package io.segmenta.core.rule;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.List;
import java.util.Objects;

/**
 * A segment rule: the one typed AST behind both syntaxes ({@link RuleText} for people, {@link io.segmenta.core.rule.json.RuleJson} for the
 * API). A rule decides, for one profile at one "as of" instant, whether the profile is a member.
 *
 * <p>Logical nodes keep the exact shape they were written in ({@code (a and b) and c} is not flattened), so that
 * printing and parsing give back an equal tree in both syntaxes.
 */
public sealed interface Rule {

  /** All of the rules hold; no rules at all is always true. */
  record And(List<Rule> rules) implements Rule {
    public And {
      rules = List.copyOf(rules);
    }
  }

  /** At least one rule holds; as in GrowthBook, an empty list is true. */
  record Or(List<Rule> rules) implements Rule {
    public Or {
      rules = List.copyOf(rules);
    }
  }

  /** None of the rules holds (an empty list is false, as GrowthBook's {@code $nor} of nothing). */
  record Nor(List<Rule> rules) implements Rule {
    public Nor {
      rules = List.copyOf(rules);
    }
  }

  record Not(Rule rule) implements Rule {
    public Not {
      Objects.requireNonNull(rule, "rule");
    }
  }

  /** A condition on a trait (of a profile) or a property (of an event, inside a {@code where} filter). */
  record Field(String path, Condition condition) implements Rule {
    public Field {
      checkArgument(path != null && !path.isEmpty(), "field path must not be empty, got '%s'", path);
      Objects.requireNonNull(condition, "condition");
    }
  }

  /** Membership in another saved segment. Cycles are rejected when the rule is resolved. */
  record SegmentRef(String name) implements Rule {
    public SegmentRef {
      checkArgument(name != null && !name.isBlank(), "segment name must not be blank, got '%s'", name);
    }
  }

  /** A behavioral condition: an aggregate (or a ratio of two) over a profile's events, compared to a value. */
  record MeasureRule(Measure measure, Condition condition) implements Rule {
    public MeasureRule {
      Objects.requireNonNull(measure, "measure");
      Objects.requireNonNull(condition, "condition");
    }
  }
}
