package io.segmenta.spark;

import io.segmenta.core.campaign.Campaign;
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
import io.segmenta.core.rule.Rule;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The store contract suite's store on Spark: writes go to an embedded DuckDB store, as a shop's pipeline writes, and
 * every read the contracts compare (audiences, activity, experiment data) is answered by Spark over that store
 * exported to a lake ({@link DuckDb#exportParquet(Store, Path)}). Any use of a role that can write (profiles,
 * identities, consent, definitions, scores, ...) marks the lake stale, and the next Spark read exports a fresh one
 * first: conservative, so a read never sees a lake older than the writes before it (as long as a write goes through
 * an accessor called after the last Spark read, as the contracts' helpers do: a role kept and written through later
 * is not seen). Reads of single profiles
 * ({@code history}, {@code profileIds}) stay on the embedded store: the contracts use them as the reference the
 * engine's answers are checked against.
 */
final class LakeMirrorStore implements Store {
  /** Rules per Spark job in {@link #membersOfEach}. */
  static final int BATCH = 20;
  private final Store embedded;
  private final Path lakes;
  private boolean stale = true;
  private int exports;
  private SparkLake lake;
  private SparkBatchAudiences audiences;

  private LakeMirrorStore(Store embedded, Path lakes) {
    this.embedded = embedded;
    this.lakes = lakes;
  }

  /** The store in {@code dir}: the embedded one in {@code dir/data}, its lakes in {@code dir/lakes/N}. */
  static LakeMirrorStore open(Path dir) {
    return new LakeMirrorStore(DuckDb.open(StoreConfig.resolve(dir.resolve("data"), "512MB", 2, Map.of())), dir.resolve("lakes"));
  }

  /** The lake as of the latest write, exported if stale. */
  synchronized SparkLake lake() {
    if (stale) {
      Path next;
      try {
        next = Files.createTempDirectory(Files.createDirectories(lakes), "lake-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      DuckDb.exportParquet(embedded, next);
      exports++;
      lake = SparkLake.open(SharedSpark.get(), next);
      audiences = new SparkBatchAudiences(lake, lake.segments());
      stale = false;
    }
    return lake;
  }

  /** How many lakes were exported: a test that reads twice without writing can check it read one. */
  synchronized int exports() {
    return exports;
  }

  /**
   * The members of each rule from Spark, {@link #BATCH} rules per job ({@link SparkAudiences#membersOfEach}): a
   * Spark query's planning and scheduling cost far more than its scans of a small lake.
   */
  List<List<String>> membersOfEach(List<Rule> rules, List<Instant> asOfs) {
    SparkLake l = lake();
    SparkAudiences spark = new SparkAudiences(l, l.segments());
    List<List<String>> out = new ArrayList<>();
    for (int from = 0; from < rules.size(); from += BATCH) {
      int to = Math.min(rules.size(), from + BATCH);
      out.addAll(spark.membersOfEach(rules.subList(from, to), asOfs.subList(from, to)));
    }
    return out;
  }

  private <T> T writable(T role) {
    synchronized (this) {
      stale = true;
    }
    return role;
  }

  @Override
  public Audiences audiences() {
    lake();
    synchronized (this) {
      return audiences;
    }
  }

  @Override
  public Activity activity() {
    return new SparkActivity(lake());
  }

  @Override
  public ExperimentReads experimentReads() {
    SparkLake l = lake();
    return new SparkExperimentReads(l, l.segments());
  }

  @Override
  public Catalog catalog() {
    return writable(embedded.catalog());
  }

  @Override
  public Profiles profiles() {
    return writable(embedded.profiles());
  }

  @Override
  public Identities identities() {
    return writable(embedded.identities());
  }

  @Override
  public ConsentLedger consent() {
    return writable(embedded.consent());
  }

  @Override
  public Definitions<SegmentDefinition> segmentDefinitions() {
    return writable(embedded.segmentDefinitions());
  }

  @Override
  public Definitions<Experiment> experimentDefinitions() {
    return writable(embedded.experimentDefinitions());
  }

  @Override
  public Definitions<Placement> placementDefinitions() {
    return writable(embedded.placementDefinitions());
  }

  @Override
  public Definitions<Journey> journeyDefinitions() {
    return writable(embedded.journeyDefinitions());
  }

  @Override
  public JourneyLog journeyLog() {
    return writable(embedded.journeyLog());
  }

  @Override
  public MembershipLog membership() {
    return writable(embedded.membership());
  }

  @Override
  public SegmentHistory history() {
    return writable(embedded.history());
  }

  @Override
  public AlertLog alerts() {
    return writable(embedded.alerts());
  }

  @Override
  public Scores scores() {
    return writable(embedded.scores());
  }

  @Override
  public ViolationLog violationLog() {
    return writable(embedded.violationLog());
  }

  @Override
  public Definitions<Destination> destinationDefinitions() {
    return writable(embedded.destinationDefinitions());
  }

  @Override
  public SyncState syncState() {
    return writable(embedded.syncState());
  }

  @Override
  public RunHistory destinationRuns() {
    return writable(embedded.destinationRuns());
  }

  @Override
  public Definitions<Campaign> campaignDefinitions() {
    return writable(embedded.campaignDefinitions());
  }

  @Override
  public ParquetFiles parquetFiles() {
    return embedded.parquetFiles();
  }

  @Override
  public void close() {
    embedded.close();
  }
}
