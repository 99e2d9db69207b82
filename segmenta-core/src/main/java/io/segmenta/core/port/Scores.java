package io.segmenta.core.port;

import io.segmenta.core.Preconditions;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Population scores (traits of the SCORE family) written by models for everyone at once. */
public interface Scores {

  /**
   * Replaces the values of population scores for everyone: profiles missing from {@code scores} get none. Records
   * {@code asOf} as the instant each trait was scored at. Atomic.
   */
  void writeScores(Instant asOf, List<String> traits, Map<String, List<Value>> scores);

  /** As {@link #writeScores(Instant, List, Map)} for one number trait, profile {@code ids[i]} scoring {@code values[i]}. */
  default void writeScores(Instant asOf, String trait, String[] ids, double[] values) {
    Preconditions.checkArgument(ids.length == values.length, "%s ids for %s values", ids.length, values.length);
    Map<String, List<Value>> scores = new LinkedHashMap<>();
    for (int i = 0; i < ids.length; i++) {
      scores.put(ids[i], List.of(new Value.Num(values[i])));
    }
    writeScores(asOf, List.of(trait), scores);
  }

  /** When a score trait was last computed, if ever. */
  Optional<Instant> scoredAt(String trait);
}
