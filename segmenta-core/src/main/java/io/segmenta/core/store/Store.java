package io.segmenta.core.store;

import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.deletion.SegmentDeletion;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.ParquetFiles;
import io.segmenta.core.destination.RunHistory;
import io.segmenta.core.destination.SyncState;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.ExperimentReads;
import io.segmenta.core.history.SegmentHistory;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.port.Activity;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Identities;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.port.ViolationLog;
import io.segmenta.core.realtime.MembershipLog;
import io.segmenta.core.review.AlertLog;
import java.util.function.Consumer;

/**
 * Where profiles, events and definitions live, and where segment rules run over all profiles at once: the
 * composition root an engine provides, one accessor per role. The embedded default is one DuckDB file; other
 * engines implement the same roles. Callers take the narrowest role they need. Every write is atomic: a write that
 * fails leaves nothing behind.
 *
 * <p>It sits above the feature packages (it names their types) so that the roles they own need not know it.
 */
public interface Store extends AutoCloseable {

  /** The schema and declaring traits and properties. */
  Catalog catalog();

  /** Profiles and events: writes, one person's history, lookups, statistics and erasure. */
  Profiles profiles();

  /** Merges and the merge log. */
  Identities identities();

  /** The consent ledger. */
  ConsentLedger consent();

  /** Saved segments, by name. */
  Definitions<SegmentDefinition> segmentDefinitions();

  /** Saved experiments, by key. */
  Definitions<Experiment> experimentDefinitions();

  /** Placements of the decision API, by key. */
  Definitions<Placement> placementDefinitions();

  /** Journeys, by key. */
  Definitions<Journey> journeyDefinitions();

  /** Where each person is in each journey, the steps taken or skipped, and the idempotency keys of sends. */
  JourneyLog journeyLog();

  /** Real-time segments and their membership history. */
  MembershipLog membership();

  /** Membership history of every saved segment: stays, sizes over time, flows, past sizes from the events. */
  SegmentHistory history();

  /** The review's alerts, kept for the web app. */
  AlertLog alerts();

  /** Segment rules run over everyone: counts, members, exports, totals. */
  Audiences audiences();

  /** Population scores written by models. */
  Scores scores();

  /** Fields that did not fit the schema. */
  ViolationLog violationLog();

  /** Bulk reads of what customers did, for models and cohorts. */
  Activity activity();

  /** The experiment analysis's reads. */
  ExperimentReads experimentReads();

  /** Destinations (segments synced to channels), by key. */
  Definitions<Destination> destinationDefinitions();

  /** What the last sync of each destination sent. */
  SyncState syncState();

  /** The runs of destinations. */
  RunHistory destinationRuns();

  /** Campaigns, by key. */
  Definitions<Campaign> campaignDefinitions();

  /** The engine's Parquet writer, for file destinations. */
  ParquetFiles parquetFiles();

  @Override
  void close();

  /** Deleting segments, and what refers to one, over this store's roles; {@code untrack} stops a running feed's tracking. */
  default SegmentDeletion segmentDeletion(Consumer<String> untrack) {
    return new SegmentDeletion(new SegmentDeletion.Referring(segmentDefinitions(), placementDefinitions(), experimentDefinitions(),
        journeyDefinitions(), destinationDefinitions(), campaignDefinitions()), membership(), history(), untrack);
  }
}
