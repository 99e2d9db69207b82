package io.segmenta.core.experiment;

import io.segmenta.core.port.ExperimentData;
import io.segmenta.core.rule.Rule;
import java.time.Instant;
import java.util.Map;

/** What the experiment analysis reads from the store: each variant's sufficient statistics. */
public interface ExperimentReads {

  /**
   * The sufficient statistics of an experiment's metrics per variant, for everyone and for each segment: units are
   * the profiles with an exposure event ({@code experiment_viewed} with the experiment's id) between its start and
   * stop and before {@code asOf} that meets its exposure filter; a unit's variant and clock come from its first
   * such exposure, and its metrics read its events in the window after that instant (and before {@code asOf}).
   * Segment membership is taken at {@code segmentsAsOf}, so that a treatment cannot move units between segments.
   */
  ExperimentData experimentData(Experiment experiment, Map<String, Rule> segments, Instant segmentsAsOf, Instant asOf);
}
