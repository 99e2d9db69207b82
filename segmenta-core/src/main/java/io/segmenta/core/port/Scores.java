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
   * the provenance (model, parameters, seed, and the instant the data was taken at) of each trait. Atomic.
   */
  void writeScores(ScoreProvenance provenance, List<String> traits, Map<String, List<Value>> scores);

  /** As {@link #writeScores(ScoreProvenance, List, Map)} for one number trait, profile {@code ids[i]} scoring {@code values[i]}. */
  default void writeScores(ScoreProvenance provenance, String trait, String[] ids, double[] values) {
    Preconditions.checkArgument(ids.length == values.length, "%s ids for %s values", ids.length, values.length);
    Map<String, List<Value>> scores = new LinkedHashMap<>();
    for (int i = 0; i < ids.length; i++) {
      scores.put(ids[i], List.of(new Value.Num(values[i])));
    }
    writeScores(provenance, List.of(trait), scores);
  }

  /** Which model last computed a score trait, with what, and for which instant; empty if it never was. */
  Optional<ScoreProvenance> provenance(String trait);

  /** The instant a score trait was last computed for (its data's as-of), if ever. */
  default Optional<Instant> scoredAt(String trait) {
    return provenance(trait).map(ScoreProvenance::asOf);
  }
}
