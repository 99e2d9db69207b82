package io.segmenta.core.experiment;

import io.segmenta.core.value.Value;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What assignment knows about the unit being assigned: its attributes (the hash attribute among them), which saved
 * segments it belongs to, and GrowthBook's context switches (saved groups for {@code $inGroup}, forced variations,
 * a global kill switch, QA mode).
 */
public record Unit(Value attributes, Predicate<String> segments, Map<String, List<Value>> savedGroups,
    Map<String, Integer> forced, boolean enabled, boolean qaMode) {

  public Unit {
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(segments, "segments");
    savedGroups = Map.copyOf(savedGroups);
    forced = Map.copyOf(forced);
  }

  /** A unit with these attributes, in no segment. */
  public static Unit of(Value attributes) {
    return of(attributes, s -> false);
  }

  public static Unit of(Value attributes, Predicate<String> segments) {
    return new Unit(attributes, segments, Map.of(), Map.of(), true, false);
  }

  /** The attribute's value, or null when absent. */
  Value attribute(String name) {
    if (attributes instanceof Value.ObjectValue o) {
      return o.fields().get(name);
    }
    return null;
  }
}
