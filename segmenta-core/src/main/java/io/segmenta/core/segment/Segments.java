package io.segmenta.core.segment;

import io.segmenta.core.UserException;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Scores;
import io.segmenta.core.rule.IdentifierField;
import io.segmenta.core.rule.NearestName;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.rule.TypeChecker;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import io.segmenta.core.rule.Rules;
import io.segmenta.core.schema.Family;
import java.time.Instant;
import java.util.ArrayList;

/**
 * Saved segments with their rules checked: a rule is parsed (text, or JSON when it starts with '{'), type-checked
 * against the store's schema and the other saved segments (so a cycle cannot be saved), and kept in canonical text.
 */
public final class Segments {
  private final Catalog catalog;
  private final Definitions<SegmentDefinition> definitions;
  private final Scores scores;
  private final Clock clock;

  public Segments(Catalog catalog, Definitions<SegmentDefinition> definitions, Scores scores, Clock clock) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.definitions = Objects.requireNonNull(definitions, "definitions");
    this.scores = Objects.requireNonNull(scores, "scores");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public SegmentResolver resolver() {
    return new SegmentResolver() {
      @Override
      public Optional<Rule> find(String name) {
        return definitions.find(name).map(d -> RuleText.parseRule(d.rule()));
      }

      @Override
      public List<String> names() {
        return definitions.all().stream().map(SegmentDefinition::name).toList();
      }
    };
  }

  /**
   * Parses and type-checks a rule given as text or JSON; bare identifier names come back written out
   * ({@code email exists} as {@code identifier.email exists}, see {@link IdentifierField}).
   */
  public ParsedRule check(String rule) {
    ParsedRule parsed = parse(rule);
    new TypeChecker(catalog.schema(), resolver()).check(parsed);
    return IdentifierField.resolve(parsed, catalog.schema());
  }

  /** Warnings about a checked rule: bare names that read a trait where an identifier of that name was maybe meant. */
  public List<String> warnings(Rule rule) {
    return IdentifierField.shadowed(rule, catalog.schema());
  }

  /** A saved segment's rule when {@code ruleOrName} names one, otherwise the checked rule it spells. */
  public Rule ruleOf(String ruleOrName) {
    Optional<SegmentDefinition> saved = isName(ruleOrName) ? definitions.find(ruleOrName.trim()) : Optional.empty();
    if (saved.isPresent()) {
      return RuleText.parseRule(saved.get().rule());
    }
    try {
      return check(ruleOrName).rule();
    } catch (RuleException e) {
      if (isName(ruleOrName) && e.line() > 0) {
        // A bare name that does not parse as a rule was meant as a segment: say that, not "expected an operator".
        throw unknownSegment(ruleOrName.trim());
      }
      throw e;
    }
  }

  /** The error for a segment name that is not saved, with the nearest saved name when one is close. */
  public UserException unknownSegment(String name) {
    List<String> names = definitions.all().stream().map(SegmentDefinition::name).toList();
    return new UserException("there is no saved segment named '" + name + "'" + NearestName.hint(name, names)
        + (names.isEmpty() ? "; none are saved yet (segmenta segment save NAME RULE)" : "; 'segmenta segment list' shows the saved ones"));
  }

  /**
   * Notes for a rule evaluated at {@code asOf} that reads population scores (RFM, CLV) computed for another
   * instant, or never: scores are stored, not derived, so the rule would silently use old ones.
   */
  public List<String> scoreNotes(Rule rule, Instant asOf) {
    List<String> notes = new ArrayList<>();
    for (String t : Rules.traits(rule, resolver())) {
      var def = catalog.schema().trait(t);
      if (def.isEmpty() || def.get().family() != Family.SCORE) {
        continue;
      }
      var at = scores.provenance(t);
      if (at.isEmpty()) {
        notes.add(t + " has never been scored; run '" + commandFor(t) + " --as-of " + asOf + "' first");
      } else if (!at.get().asOf().equals(asOf)) {
        // The provenance names the model that wrote the trait: a lookalike score is rerun by its lookalike, not by clv.
        String about = at.get().model().equals("unknown") ? "" : " (" + at.get().describe() + ")";
        String command = at.get().command().isBlank() ? commandFor(t) : at.get().command();
        notes.add(t + " holds scores as of " + at.get().asOf() + ", not " + asOf + about + "; run '" + command + " --as-of " + asOf + "' to rescore");
      }
    }
    return notes;
  }

  /** The command that computes a score trait that was never scored, guessed from its name. */
  private static String commandFor(String trait) {
    if (trait.startsWith("rfm_")) {
      return "segmenta rfm";
    }
    if (trait.startsWith("lookalike_")) {
      return "segmenta lookalike SEED --name " + trait.substring("lookalike_".length());
    }
    return "segmenta clv";
  }

  public SegmentDefinition save(String name, String rule, String description) {
    SegmentDefinition probe;
    try {
      probe = new SegmentDefinition(name, "", description, clock.instant());
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    ParsedRule parsed = parse(rule);
    new TypeChecker(catalog.schema(), resolver()).check(name, parsed);
    Rule resolved = IdentifierField.resolve(parsed.rule(), catalog.schema());
    return definitions.save(new SegmentDefinition(probe.name(), RuleText.print(resolved), description, probe.updatedAt()));
  }

  private static boolean isName(String s) {
    return s != null && s.trim().matches("[a-z0-9][a-z0-9_-]{0,62}");
  }

  private static ParsedRule parse(String rule) {
    if (rule == null || rule.isBlank()) {
      throw new UserException("the rule is empty");
    }
    return rule.stripLeading().startsWith("{") ? RuleJson.parse(rule) : RuleText.parse(rule);
  }
}
