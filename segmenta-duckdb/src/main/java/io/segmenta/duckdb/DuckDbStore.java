package io.segmenta.duckdb;

import io.segmenta.core.StoreException;
import io.segmenta.core.UserException;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.store.Store;
import io.segmenta.core.experiment.ExperimentReads;
import io.segmenta.core.port.Activity;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Identities;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.port.Scores;
import io.segmenta.core.port.ViolationLog;
import io.segmenta.core.realtime.MembershipLog;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.Schema;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.duckdb.DuckDBConnection;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.RunHistory;
import io.segmenta.core.destination.SyncState;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.JourneyLog;
import io.segmenta.core.personalize.Placement;
import java.util.function.Function;
import io.segmenta.sql.SqlCompiler;

/**
 * The embedded store: one DuckDB file holding profiles (one column per trait), identifiers, events (one column per
 * property), order lines (with the order's customer and time copied in, so that line aggregates read one table),
 * the custom schema and saved definitions.
 *
 * <p>A facade: it opens the file and hands out its roles, each a package-private class of one concept ({@link
 * SchemaTables}, {@link StagedWrites}, {@link ProfileTables}, {@link MergeLog}, {@link ConsentTable}, {@link
 * FileCompaction}, {@link SegmentTable}, {@link JsonDefinitionTable}, {@link MembershipHistory}, {@link AudienceQueries}, {@link MaskTotals},
 * {@link ScoreColumns}, {@link ViolationTable}, {@link ActivityQueries}, {@link ExperimentQueries}). They share one
 * connection under one lock ({@link Db}): DuckDB parallelises each query internally.
 */
final class DuckDbStore implements Store {
  private static final Pattern LOCK = Pattern.compile("Could not set lock on file \"([^\"]+)\".*?\\(PID (\\d+)\\)", Pattern.DOTALL);

  private final Db db;
  private final SchemaTables schema;
  private final ProfileTables profiles;
  private final MergeLog merges;
  private final ConsentTable consent;
  private final SegmentTable segments;
  private final JsonDefinitionTable<Experiment> experimentDefinitions;
  private final JsonDefinitionTable<Placement> placements;
  private final JsonDefinitionTable<Journey> journeys;
  private final JourneyTable journeyLog;
  private final MembershipHistory membership;
  private final AudienceQueries audiences;
  private final ScoreColumns scores;
  private final ViolationTable violations;
  private final ActivityQueries activity;
  private final ExperimentQueries experiments;
  private final JsonDefinitionTable<Destination> destinations;
  private final JsonDefinitionTable<Campaign> campaigns;
  private final DestinationStateTable syncState;
  private final DestinationRunTable destinationRuns;

  private DuckDbStore(StoreConfig config, Clock clock, DuckDBConnection conn, Schema schema, FactsTable facts) throws SQLException {
    this.db = new Db(config, conn, schema, facts);
    StagedWrites writes = new StagedWrites(db);
    this.schema = new SchemaTables(db);
    this.profiles = new ProfileTables(db, writes, new FileCompaction(db));
    this.merges = new MergeLog(db);
    this.consent = new ConsentTable(db, writes);
    this.segments = new SegmentTable(db);
    this.experimentDefinitions = new JsonDefinitionTable<>(db, JsonDefinitionTable.EXPERIMENTS, clock);
    this.placements = new JsonDefinitionTable<>(db, JsonDefinitionTable.PLACEMENTS, clock);
    this.journeys = new JsonDefinitionTable<>(db, JsonDefinitionTable.JOURNEYS, clock);
    this.journeyLog = new JourneyTable(db);
    this.membership = new MembershipHistory(db);
    this.audiences = new AudienceQueries(db, new MaskTotals(db));
    this.scores = new ScoreColumns(db);
    this.violations = new ViolationTable(db);
    this.activity = new ActivityQueries(db);
    this.experiments = new ExperimentQueries(db);
    this.destinations = new JsonDefinitionTable<>(db, JsonDefinitionTable.DESTINATIONS, clock);
    this.campaigns = new JsonDefinitionTable<>(db, JsonDefinitionTable.CAMPAIGNS, clock);
    this.syncState = new DestinationStateTable(db);
    this.destinationRuns = new DestinationRunTable(db);
  }

  static DuckDbStore open(StoreConfig config, Clock clock) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UserException("cannot create the data directory " + config.dataDir() + ": " + e.getMessage());
    }
    DuckDBConnection c = connect(config);
    try {
      Schema schema = SchemaTables.createOrLoad(c);
      FactsTable facts = FactsTable.of(schema, new SqlCompiler(schema, DuckDbDialect.INSTANCE, SegmentResolver.NONE));
      // A database written before the kept aggregates existed (or with other definitions) gets them built once.
      c.setAutoCommit(false);
      try {
        facts.ensure(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      return new DuckDbStore(config, clock, c, schema, facts);
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the original failure is what matters
      }
      if (e instanceof UserException u) {
        throw u;
      }
      throw new StoreException("cannot prepare the database " + config.databaseFile() + ": " + e.getMessage(), e);
    }
  }

  /** A connection with the store's settings (memory, threads, UTC) and its macros. */
  static DuckDBConnection connect(StoreConfig config) {
    DuckDBConnection c;
    try {
      c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + config.databaseFile());
    } catch (SQLException e) {
      Matcher m = LOCK.matcher(String.valueOf(e.getMessage()));
      if (m.find()) {
        throw new UserException("the database " + m.group(1) + " is in use by another process (pid " + m.group(2)
            + "); stop it first, or choose another data directory with --data-dir");
      }
      throw new UserException("cannot open the database " + config.databaseFile() + ": " + e.getMessage(), e);
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET memory_limit = '" + config.memoryLimit().replace("'", "") + "'");
      s.execute("SET threads = " + config.threads());
      s.execute("SET preserve_insertion_order = false");
      s.execute("SET TimeZone = 'UTC'");
      for (String macro : DuckDbDialect.INSTANCE.setup()) {
        s.execute(macro);
      }
      return c;
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the original failure is what matters
      }
      throw SqlFailures.of("cannot prepare the database " + config.databaseFile() + ": ", e);
    }
  }

  // ---- roles

  @Override
  public Catalog catalog() {
    return schema;
  }

  @Override
  public Profiles profiles() {
    return profiles;
  }

  @Override
  public Identities identities() {
    return merges;
  }

  @Override
  public ConsentLedger consent() {
    return consent;
  }

  @Override
  public Definitions<SegmentDefinition> segmentDefinitions() {
    return segments;
  }

  @Override
  public Definitions<Experiment> experimentDefinitions() {
    return experimentDefinitions;
  }

  @Override
  public Definitions<Journey> journeyDefinitions() {
    return journeys;
  }

  @Override
  public JourneyLog journeyLog() {
    return journeyLog;
  }

  @Override
  public Definitions<Placement> placementDefinitions() {
    return placements;
  }

  @Override
  public MembershipLog membership() {
    return membership;
  }

  @Override
  public Audiences audiences() {
    return audiences;
  }

  @Override
  public Scores scores() {
    return scores;
  }

  @Override
  public ViolationLog violationLog() {
    return violations;
  }

  @Override
  public Activity activity() {
    return activity;
  }

  @Override
  public ExperimentReads experimentReads() {
    return experiments;
  }

  @Override
  public Definitions<Destination> destinationDefinitions() {
    return destinations;
  }

  @Override
  public SyncState syncState() {
    return syncState;
  }

  @Override
  public RunHistory destinationRuns() {
    return destinationRuns;
  }

  @Override
  public Definitions<Campaign> campaignDefinitions() {
    return campaigns;
  }

  /** Runs SQL directly on the store's connection: for tests and benchmarks that compare with hand-written SQL. */
  <T> T withConnection(Function<Connection, T> f) {
    synchronized (db) {
      return f.apply(db.conn);
    }
  }

  @Override
  public void close() {
    synchronized (db) {
      try {
        if (!db.conn.isClosed()) {
          try (Statement st = db.conn.createStatement()) {
            st.execute("CHECKPOINT");
          }
          db.conn.close();
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not close the database " + db.config.databaseFile() + ": ", e);
      }
    }
  }
}
