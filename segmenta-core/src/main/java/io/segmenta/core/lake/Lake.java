package io.segmenta.core.lake;

import io.segmenta.core.experiment.ExperimentReads;
import io.segmenta.core.history.Recomputed;
import io.segmenta.core.port.Activity;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.Rule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A lake opened on an engine: the role ports core's batch features read and write ({@code Rfm}, {@code SegmentValue},
 * {@code Conversions}, cohorts, CLV and the experiment analysis run over them unchanged) and the write-backs of
 * docs/lake.md ("Written back"): scores into {@code scores/}, a segment's members into {@code memberships/} and their
 * stays into {@code history/}.
 */
public interface Lake extends AutoCloseable {

  /** The lake's directory. */
  Path dir();

  /** The lake's schema; a lake's schema is its pipeline's, so declarations are refused. */
  Catalog catalog();

  /** The lake's saved segments ({@code segments/}); a save rewrites that table. */
  Definitions<SegmentDefinition> segmentDefinitions();

  /** Population scores: written into {@code scores/<model>/} with their provenance, and read by rules from then on. */
  Scores scores();

  /** Counts, pages, keys, values, totals and segment totals with overlaps (the batch features' shapes). */
  Audiences audiences();

  /** Purchase days, cohorts and interactions. */
  Activity activity();

  /**
   * The experiment analysis's reads: exposures are the lake's {@code experiment_viewed} events, metrics its events,
   * breakdowns its rules and saved segments (the experiment's definition comes from where it was created).
   */
  ExperimentReads experimentReads();

  /** How many profiles the lake holds. */
  long profileCount();

  /** The newest event's time; empty when the lake has no events. */
  Optional<Instant> lastEvent();

  /**
   * Recomputes a saved segment at {@code asOf}: its members into {@code memberships/<segment>/}, and its stays into
   * {@code history/<segment>/} (members not in an open stay enter at {@code asOf}, open stays of profiles no longer in
   * leave at {@code asOf}); each change also goes to {@code changes} (null: none wanted).
   */
  Recomputed writeMembership(String segment, Rule rule, Instant asOf, Consumer<MembershipChange> changes);

  /**
   * Writes the rule's members at {@code asOf} whose consent allows {@code purpose} as Parquet files into the new
   * directory {@code out}: {@code profile_id} and the stored traits named; returns how many.
   */
  long exportMembers(Rule rule, Instant asOf, List<String> traits, Purpose purpose, Path out);

  /** Releases the engine (stops a session this lake started). */
  @Override
  void close();
}
