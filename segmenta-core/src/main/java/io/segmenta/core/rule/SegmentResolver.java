package io.segmenta.core.rule;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds the rule of a saved segment by name, for rules that refer to other segments. */
@FunctionalInterface
public interface SegmentResolver {
  Optional<Rule> find(String name);

  /** The names of the saved segments, for "did you mean" hints; empty where they are not known. */
  default List<String> names() {
    return List.of();
  }

  SegmentResolver NONE = name -> Optional.empty();

  static SegmentResolver of(Map<String, Rule> rules) {
    Map<String, Rule> copy = Map.copyOf(rules);
    List<String> names = copy.keySet().stream().sorted().toList();
    return new SegmentResolver() {
      @Override
      public Optional<Rule> find(String name) {
        return Optional.ofNullable(copy.get(name));
      }

      @Override
      public List<String> names() {
        return names;
      }
    };
  }
}
