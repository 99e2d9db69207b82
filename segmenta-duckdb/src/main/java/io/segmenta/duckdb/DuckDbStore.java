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
import io.segmenta.core.history.SegmentHistory;
import io.segmenta.core.realtime.MembershipLog;
import io.segmenta.core.review.AlertLog;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.Schema;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.duckdb.DuckDBConnection;
import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.ParquetFiles;
import io.segmenta.core.destination.RunHistory;
import io.segmenta.core.destination.SyncState;
import org.duckdb.DuckDBDriver;
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
 * FileCompaction}, {@link SegmentTable}, {@link JsonDefinitionTable}, {@link MembershipHistory}, {@link MembershipIntervals}, {@link AlertTable}, {@link AudienceQueries}, {@link MaskTotals},
 * {@link ScoreColumns}, {@link ViolationTable}, {@link ActivityQueries}, {@link ExperimentQueries}). They share one
 * connection under one lock ({@link Db}): DuckDB parallelises each query internally.
 */
final class DuckDbStore implements Store {
  private static final Driver DRIVER = new DuckDBDriver();
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
  private final MembershipIntervals history;
  private final AlertTable alerts;
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
    this.history = new MembershipIntervals(db);
    this.membership = new MembershipHistory(db, history);
    this.alerts = new AlertTable(db);
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
    DuckDBConnection c = connect(config, false);
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
      DuckDbStore store = new DuckDbStore(config, clock, c, schema, facts);
      // Sends a killed process delivered after their round's claim and before its mark are marked, not sent again.
      store.journeyLog.markNotedDeliveries(clock.instant());
      return store;
    } catch (SQLException | RuntimeException e) {
      throw closing(c, config, e);
    }
  }

  /**
   * The store opened read-only, for a command that only reads: other read-only opens of the same file may run beside
   * it (DuckDB takes a shared lock), nothing is checkpointed at close, and the table script is not run. When the file
   * does not exist yet, or its tables or kept aggregates are not this version's, or it cannot be opened read-only,
   * the store is opened for writing instead (which brings the file up to date), so a caller always gets a store.
   */
  static DuckDbStore openReadOnly(StoreConfig config, Clock clock) {
    if (!Files.isRegularFile(config.databaseFile())) {
      return open(config, clock);
    }
    DuckDBConnection c;
    try {
      c = connect(config, true);
    } catch (UserException e) {
      // Held by a writer, or opened for writing in this process: a writing open says so, or shares that instance.
      return open(config, clock);
    }
    try {
      if (SchemaTables.current(c)) {
        Schema schema = SchemaTables.load(c);
        FactsTable facts = FactsTable.of(schema, new SqlCompiler(schema, DuckDbDialect.INSTANCE, SegmentResolver.NONE));
        if (facts.current(c)) {
          DuckDbStore store = new DuckDbStore(config, clock, c, schema, facts);
          store.db.readOnly = true;
          return store;
        }
      }
    } catch (SQLException | RuntimeException e) {
      throw closing(c, config, e);
    }
    quietly(c);
    return open(config, clock);
  }

  private static RuntimeException closing(DuckDBConnection c, StoreConfig config, Exception e) {
    quietly(c);
    if (e instanceof UserException u) {
      return u;
    }
    return new StoreException("cannot prepare the database " + config.databaseFile() + ": " + e.getMessage(), e);
  }

  private static void quietly(DuckDBConnection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // the original failure is what matters
    }
  }

  /** A connection for writing with the store's settings (memory, threads, UTC) and its macros. */
  static DuckDBConnection connect(StoreConfig config) {
    return connect(config, false);
  }

  /**
   * A connection with the store's settings (memory, threads, UTC) and its macros, read-only or not. The driver is
   * asked directly, not through DriverManager: its first use looks for drivers in every jar of the
   * class path (a CLI call opened all 64 of them for that).
   */
  static DuckDBConnection connect(StoreConfig config, boolean readOnly) {
    DuckDBConnection c;
    Properties props = new Properties();
    if (readOnly) {
      props.setProperty("duckdb.read_only", "true");
    }
    try {
      c = (DuckDBConnection) DRIVER.connect("jdbc:duckdb:" + config.databaseFile(), props);
    } catch (SQLException e) {
      Matcher m = LOCK.matcher(String.valueOf(e.getMessage()));
      if (m.find()) {
        throw new UserException("the database " + m.group(1) + " is in use by another process (pid " + m.group(2)
            + "); stop it first, or choose another data directory with --data-dir");
      }
      throw new UserException("cannot open the database " + config.databaseFile() + ": " + e.getMessage(), e);
    }
    // One script rather than one statement each: every statement sent costs the driver's round trip.
    StringBuilder setup = new StringBuilder()
        .append("SET memory_limit = '").append(config.memoryLimit().replace("'", "")).append("';\n")
        .append("SET threads = ").append(config.threads()).append(";\n")
        .append("SET preserve_insertion_order = false;\n")
        .append("SET TimeZone = 'UTC'");
    for (String macro : DuckDbDialect.INSTANCE.setup()) {
      setup.append(";\n").append(macro);
    }
    try (Statement s = c.createStatement()) {
      s.execute(setup.toString());
      return c;
    } catch (SQLException e) {
      quietly(c);
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
  public SegmentHistory history() {
    return history;
  }

  @Override
  public AlertLog alerts() {
    return alerts;
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

  @Override
  public ParquetFiles parquetFiles() {
    return DuckDb::csvToParquet;
  }

  /** Runs SQL directly on the store's connection: for tests and benchmarks that compare with hand-written SQL. */
  <T> T withConnection(Function<Connection, T> f) {
    synchronized (db) {
      return f.apply(db.conn);
    }
  }

  @Override
  public void close() {
    journeyLog.closeNotes();
    synchronized (db) {
      try {
        if (!db.conn.isClosed()) {
          if (!db.readOnly) {
            try (Statement st = db.conn.createStatement()) {
              st.execute("CHECKPOINT");
            }
          }
          db.conn.close();
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not close the database " + db.config.databaseFile() + ": ", e);
      }
    }
  }
}
