package io.segmenta.core.rule;

import java.util.Map;
import java.util.Optional;

/** Finds the rule of a saved segment by name, for rules that refer to other segments. */
@FunctionalInterface
public interface SegmentResolver {
  Optional<Rule> find(String name);

  SegmentResolver NONE = name -> Optional.empty();

  static SegmentResolver of(Map<String, Rule> rules) {
    Map<String, Rule> copy = Map.copyOf(rules);
    return name -> Optional.ofNullable(copy.get(name));
  }
}
