package io.segmenta.core.experiment;

import io.segmenta.core.value.Value;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What assignment knows about the unit being assigned: its attributes (the hash attribute among them), which saved
 * segments it belongs to, and GrowthBook's context switches (saved groups for {@code $inGroup}, forced variations,
 * a global kill switch, QA mode), and, where a sticky-bucket store stands behind it, the assignments stored for it
 * ({@code null}: no store, so sticky bucketing is off whatever the experiment says).
 */
public record Unit(Value attributes, Predicate<String> segments, Map<String, List<Value>> savedGroups,
    Map<String, Integer> forced, boolean enabled, boolean qaMode, Map<String, String> stickyAssignments) {

  public Unit {
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(segments, "segments");
    savedGroups = Map.copyOf(savedGroups);
    forced = Map.copyOf(forced);
    stickyAssignments = stickyAssignments == null ? null : Map.copyOf(stickyAssignments);
  }

  /** A unit with no sticky-bucket store behind it (sticky bucketing off, as in an SDK without a service). */
  public Unit(Value attributes, Predicate<String> segments, Map<String, List<Value>> savedGroups, Map<String, Integer> forced,
      boolean enabled, boolean qaMode) {
    this(attributes, segments, savedGroups, forced, enabled, qaMode, null);
  }

  /**
   * The same unit with a sticky-bucket store behind it: its stored assignments, GrowthBook's {@code key__version}
   * to variation key (empty when it has none yet).
   */
  public Unit withStickyAssignments(Map<String, String> assignments) {
    return new Unit(attributes, segments, savedGroups, forced, enabled, qaMode, assignments);
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
