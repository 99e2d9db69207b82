package io.segmenta.core.personalize;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.schema.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A place on a page or in an e-mail (home hero, product-page banner, e-mail block) with the contents that compete
 * for it, how one is chosen, and what everyone else sees.
 *
 * @param fallback shown when no content is eligible, to the holdout group, and to visitors whose consent does not
 *     allow personalization
 * @param holdout the share of visitors (0 to 0.5) who always see the fallback, to measure what personalization adds
 * @param experiment with {@link Strategy#EXPERIMENT}, the key of the experiment whose variant keys name contents
 */
public record Placement(String key, String description, Strategy strategy, List<Content> contents, Content fallback,
    double holdout, String experiment) {

  public enum Strategy {
    /** The first eligible content in the listed order. */
    FIRST_MATCH,
    /** The eligible content with the highest score (ties: the earlier one). */
    HIGHEST_SCORE,
    /** The content named by the visitor's variant of an experiment; first match when not in it. */
    EXPERIMENT;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Strategy parse(String s) {
      for (Strategy x : values()) {
        if (x.label().equalsIgnoreCase(s) || x.name().equalsIgnoreCase(s)) {
          return x;
        }
      }
      throw new IllegalArgumentException("unknown strategy '" + s + "', expected first_match, highest_score or experiment");
    }
  }

  public Placement {
    checkArgument(key != null && Names.isValid(key), "placement key must be lower_snake_case, got '%s'", key);
    description = description == null ? "" : description;
    Objects.requireNonNull(strategy, "strategy");
    contents = List.copyOf(contents);
    Objects.requireNonNull(fallback, "fallback (placement '" + key + "' needs default content)");
    checkArgument(fallback.forEveryone(), "the fallback of placement '%s' must have no rule, got '%s'", key, fallback.rule());
    checkArgument(holdout >= 0 && holdout <= 0.5, "holdout must be between 0 and 0.5, got %s", holdout);
    checkArgument((strategy == Strategy.EXPERIMENT) == (experiment != null && !experiment.isBlank()),
        "placement '%s': an experiment key goes with the experiment strategy and only with it (got strategy %s, experiment '%s')",
        key, strategy.label(), experiment);
    Set<String> keys = new HashSet<>();
    keys.add(fallback.key());
    for (Content c : contents) {
      checkArgument(keys.add(c.key()), "placement '%s' has two contents named '%s'", key, c.key());
    }
  }
}
