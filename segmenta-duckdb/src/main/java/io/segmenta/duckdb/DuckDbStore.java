package io.segmenta.duckdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.StoreException;
import io.segmenta.core.UserException;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.Member;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.ExperimentJson;
import io.segmenta.core.port.ExperimentData;
import io.segmenta.core.port.Store;
import io.segmenta.core.port.StoreStats;
import io.segmenta.core.port.Violation;
import io.segmenta.core.port.ViolationCount;
import io.segmenta.core.port.WriteResult;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.JsonValues;
import io.segmenta.core.value.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import io.segmenta.core.Preconditions;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.personalize.PlacementJson;
import io.segmenta.core.port.CohortCell;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Erasure;
import io.segmenta.core.port.Interaction;
import io.segmenta.core.port.MergeRecord;
import io.segmenta.core.port.NumberColumns;
import io.segmenta.core.port.ProfileRow;
import io.segmenta.core.port.PurchaseDays;
import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.port.Totals;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.ComputedTraits;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Measures;
import java.nio.file.StandardCopyOption;
import java.util.BitSet;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The embedded store: one DuckDB file holding profiles (one column per trait), identifiers, events (one column per
 * property), order lines (with the order's customer and time copied in, so that line aggregates read one table),
 * the custom schema and saved segments.
 *
 * <p>Writes stage rows through DuckDB's appender into temporary tables and then move them in one transaction
 * with anti-joins on event ids, which makes every write atomic and idempotent. One connection, used under this
 * object's lock: DuckDB parallelises each query internally.
 *
 * <p>Over 500 lines, and known to be too large: it implements the whole Store port. Issue 13 splits the port by role
 * and this class into package-private classes, one concept each (PersonDeletion and Facts are the first); until then
 * new concepts go into classes of their own and this one only delegates.
 */
final class DuckDbStore implements Store {
  private static final ObjectMapper EXTRAS = new ObjectMapper();
  private static final Pattern LOCK = Pattern.compile("Could not set lock on file \"([^\"]+)\".*?\\(PID (\\d+)\\)", Pattern.DOTALL);

  private final StoreConfig config;
  /** Replaced only by {@link #compact()}, under the store's lock. */
  private DuckDBConnection conn;
  private volatile Schema schema;
  /** Lifetime aggregates kept per profile as events arrive, and the latest event time they hold (null: unusable). */
  private final Facts facts;
  private volatile Instant factsThrough;
  /** Profile ids by key for bulk reads, and a counter of writes that added or removed profiles. */
  private final ProfileKeys keys = new ProfileKeys();
  private long profilesVersion;

  private DuckDbStore(StoreConfig config, DuckDBConnection conn, Schema schema, Facts facts) throws SQLException {
    this.config = config;
    this.conn = conn;
    this.schema = schema;
    this.facts = facts;
    this.factsThrough = Facts.through(conn).orElse(null);
  }

  static DuckDbStore open(StoreConfig config) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UserException("cannot create the data directory " + config.dataDir() + ": " + e.getMessage());
    }
    DuckDBConnection c = connect(config);
    try {
      Schema schema = createOrLoad(c);
      Facts facts = Facts.of(schema, new SqlCompiler(schema, DuckDbDialect.INSTANCE, SegmentResolver.NONE));
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
      return new DuckDbStore(config, c, schema, facts);
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
  private static DuckDBConnection connect(StoreConfig config) {
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
      for (String macro : DuckDbDialect.MACROS) {
        s.execute(macro);
      }
      return c;
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the original failure is what matters
      }
      throw new StoreException("cannot prepare the database " + config.databaseFile() + ": " + e.getMessage(), e);
    }
  }

  private static Schema createOrLoad(Connection c) throws SQLException {
    Schema std = Schema.standard();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS meta(key VARCHAR PRIMARY KEY, value VARCHAR)");
      s.execute("INSERT OR IGNORE INTO meta VALUES ('format', '1')");
      s.execute("CREATE TABLE IF NOT EXISTS schema_traits(name VARCHAR PRIMARY KEY, type VARCHAR NOT NULL, family VARCHAR NOT NULL, description VARCHAR)");
      s.execute("CREATE TABLE IF NOT EXISTS schema_properties(name VARCHAR PRIMARY KEY, type VARCHAR NOT NULL, description VARCHAR, event_types VARCHAR[])");
      s.execute("CREATE TABLE IF NOT EXISTS profiles(pkey BIGINT NOT NULL, profile_id VARCHAR NOT NULL)");
      // Adding missing columns also upgrades a database made by an older version of the standard schema.
      for (TraitDef t : std.traits()) {
        if (t.stored()) {
          s.execute("ALTER TABLE profiles ADD COLUMN IF NOT EXISTS " + Columns.quote(t.name()) + " " + Columns.sqlType(t.type()));
        }
      }
      s.execute("CREATE TABLE IF NOT EXISTS identifiers(kind VARCHAR NOT NULL, value VARCHAR NOT NULL, pkey BIGINT NOT NULL)");
      StringBuilder e = new StringBuilder("CREATE TABLE IF NOT EXISTS events(event_id VARCHAR NOT NULL, pkey BIGINT, anonymous_id VARCHAR, type VARCHAR NOT NULL, ts TIMESTAMP NOT NULL");
      for (PropertyDef prop : eventProperties(std)) {
        e.append(", ").append(Columns.quote(prop.name())).append(' ').append(Columns.sqlType(prop.type()));
      }
      s.execute(e.append(")").toString());
      for (PropertyDef prop : eventProperties(std)) {
        s.execute("ALTER TABLE events ADD COLUMN IF NOT EXISTS " + Columns.quote(prop.name()) + " " + Columns.sqlType(prop.type()));
      }
      // What a client sent that has no typed column (JSON); no declared name can start with '_', so no clash.
      s.execute("ALTER TABLE events ADD COLUMN IF NOT EXISTS _extras VARCHAR");
      s.execute("CREATE TABLE IF NOT EXISTS violation_batches(key VARCHAR PRIMARY KEY, seen_at TIMESTAMP NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS violations(source VARCHAR NOT NULL, event_type VARCHAR NOT NULL, field VARCHAR NOT NULL,"
          + " expected VARCHAR NOT NULL, count BIGINT NOT NULL, example VARCHAR, first_seen TIMESTAMP NOT NULL, last_seen TIMESTAMP NOT NULL,"
          + " PRIMARY KEY (source, event_type, field, expected))");
      StringBuilder l = new StringBuilder("CREATE TABLE IF NOT EXISTS order_lines(event_id VARCHAR NOT NULL, line_no INTEGER NOT NULL, event_type VARCHAR NOT NULL, pkey BIGINT, ts TIMESTAMP NOT NULL");
      for (String prop : std.eventType("order_line").orElseThrow().properties()) {
        l.append(", ").append(Columns.quote(prop)).append(' ').append(Columns.sqlType(std.property(prop).orElseThrow().type()));
      }
      s.execute(l.append(")").toString());
      s.execute("CREATE TABLE IF NOT EXISTS segments(name VARCHAR PRIMARY KEY, rule VARCHAR NOT NULL, description VARCHAR, updated_at TIMESTAMP NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS experiments(key VARCHAR PRIMARY KEY, definition VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS placements(key VARCHAR PRIMARY KEY, definition VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS realtime_segments(name VARCHAR PRIMARY KEY)");
      s.execute("CREATE TABLE IF NOT EXISTS merge_log(survivor VARCHAR NOT NULL, merged VARCHAR NOT NULL, identifiers VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, reason VARCHAR NOT NULL, applied BOOLEAN NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS membership_changes(profile_id VARCHAR NOT NULL, segment VARCHAR NOT NULL, entered BOOLEAN NOT NULL, ts TIMESTAMP NOT NULL, cause VARCHAR NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS consents(pkey BIGINT NOT NULL, purpose VARCHAR NOT NULL, granted BOOLEAN NOT NULL, ts TIMESTAMP NOT NULL, source VARCHAR NOT NULL)");
    }
    Schema schema = std;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name, type, family, description FROM schema_traits ORDER BY name")) {
      while (rs.next()) {
        schema = schema.withTrait(new TraitDef(rs.getString(1), ValueType.parse(rs.getString(2)), Family.parse(rs.getString(3)), rs.getString(4)));
      }
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name, type, description, event_types FROM schema_properties ORDER BY name")) {
      while (rs.next()) {
        PropertyDef def = new PropertyDef(rs.getString(1), ValueType.parse(rs.getString(2)), rs.getString(3));
        schema = schema.withProperty(def);
        for (Object type : (Object[]) rs.getArray(4).getArray()) {
          schema = schema.withEventType(new EventTypeDef(type.toString(), List.of(def.name()), false, "declared"));
        }
      }
    }
    return schema;
  }

  /** Traits with a column in the profiles table (computed traits are derived when read). */
  private static List<TraitDef> storedTraits(Schema s) {
    return s.traits().stream().filter(TraitDef::stored).toList();
  }

  /** Properties stored in the events table: those of every event type that is not derived. */
  private static List<PropertyDef> eventProperties(Schema s) {
    Map<String, PropertyDef> out = new LinkedHashMap<>();
    for (EventTypeDef et : s.eventTypes()) {
      if (!et.derived()) {
        for (String p : et.properties()) {
          out.put(p, s.property(p).orElseThrow());
        }
      }
    }
    return new ArrayList<>(out.values());
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public Schema declareTrait(TraitDef trait) {
    return declare(List.of(trait), List.of(), Map.of());
  }

  @Override
  public Schema declareProperty(PropertyDef property, List<String> eventTypes) {
    return declare(List.of(), List.of(property), Map.of(property.name(), eventTypes));
  }

  /** How long one step of a declaration holds the store's lock before other writers get their turn. */
  private static final long DECLARE_STEP_NANOS = 200_000_000L;

  /** What one step of a declaration did: the schema after it, and how many names it declared. */
  private record Step(Schema schema, int declared) {}

  /**
   * Declares names in steps of about 0.2 s, each step one transaction under the store's lock, with other writers
   * let in between steps.
   *
   * <p>Why steps: DuckDB adds one column per ALTER TABLE (several ADD COLUMN in one statement are refused), and an
   * ALTER costs more the wider and the longer the table is (it fills the new column of every row group). Measured
   * with DuckDB 2.0.0.1 on this kind of machine (2 cores), adding columns to a 64-column table of 100,000 events:
   * 200 columns one transaction each 5.3 s, all in one transaction 1.05 s on a quiet machine, but 13-15 s against
   * 8.5-12 s under a load average of 21, where the ALTERs themselves dominate; 2,000 in one transaction 50 s; 1,000
   * on 1M events 95 s. Rebuilding the table with all new columns at once (CREATE TABLE AS) was no faster (48 s for
   * 2,000 on 100,000 events). So a large declaration stays slow (the schema-growth limits keep it rare) and must
   * not hold the lock throughout. An ALTER cannot run beside the writes either: DuckDB fails every concurrent insert
   * into the table with "Transaction conflict: ... has been altered by a different transaction". So a large
   * declaration is cut into steps: all the ALTERs of a step share one transaction (the fast way above), each name
   * is declared whole (its column and its schema row commit together), and a write waits at most one step.
   */
  @Override
  public Schema declare(List<TraitDef> traits, Collection<PropertyDef> properties, Map<String, ? extends Collection<String>> eventTypes) {
    // Every name is checked first: a conflicting one anywhere declares nothing.
    Schema check = schema;
    for (TraitDef t : traits) {
      check = check.withTrait(t);
    }
    for (PropertyDef p : properties) {
      check = withProperty(check, p, typesOf(eventTypes, p));
    }
    List<Object> todo = new ArrayList<>(traits);
    todo.addAll(properties);
    if (todo.isEmpty()) {
      // Nearly every tracking request declares nothing: it must not wait for the store's lock, which a large write
      // of the journal's applier may hold for a second (this took /v1/batch from 54-77k events/s to 7k).
      return schema;
    }
    int from = 0;
    while (true) {
      synchronized (this) {
        int first = from;
        long start = System.nanoTime();
        Step step = transaction(() -> {
          Schema next = schema;
          int i = first;
          for (; i < todo.size() && (i == first || System.nanoTime() - start < DECLARE_STEP_NANOS); i++) {
            next = todo.get(i) instanceof TraitDef t ? addTrait(next, t) : addProperty(next, (PropertyDef) todo.get(i), typesOf(eventTypes, (PropertyDef) todo.get(i)));
          }
          return new Step(next, i - first);
        });
        schema = step.schema();
        from += step.declared();
        if (from >= todo.size()) {
          return schema;
        }
      }
      // The lock is free: give threads waiting for it a moment to take it before the next step.
      LockSupport.parkNanos(2_000_000L);
    }
  }

  private static Collection<String> typesOf(Map<String, ? extends Collection<String>> eventTypes, PropertyDef p) {
    Collection<String> types = eventTypes.get(p.name());
    return types == null ? List.of() : types;
  }

  private static Schema withProperty(Schema s, PropertyDef property, Collection<String> eventTypes) {
    Schema next = s.withProperty(property);
    for (String type : eventTypes) {
      if (next.eventType(type).map(EventTypeDef::derived).orElse(false)) {
        throw new UserException("event type '" + type + "' is read from order lines, whose fields are fixed");
      }
      next = next.withEventType(new EventTypeDef(type, List.of(property.name()), false, "declared"));
    }
    return next;
  }

  /** Adds a trait's schema row and column in the current transaction, unless it is declared already. */
  private Schema addTrait(Schema current, TraitDef trait) throws SQLException {
    Schema next = current.withTrait(trait);
    if (next == current) {
      return current;
    }
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO schema_traits VALUES (?, ?, ?, ?)")) {
      ps.setString(1, trait.name());
      ps.setString(2, trait.type().label());
      ps.setString(3, trait.family().name());
      ps.setString(4, trait.description());
      ps.executeUpdate();
    }
    try (Statement s = conn.createStatement()) {
      s.execute("ALTER TABLE profiles ADD COLUMN IF NOT EXISTS " + Columns.quote(trait.name()) + " " + Columns.sqlType(trait.type()));
    }
    return next;
  }

  /** Adds a property's schema row and column in the current transaction, unless it is declared already. */
  private Schema addProperty(Schema current, PropertyDef property, Collection<String> eventTypes) throws SQLException {
    boolean known = current.property(property.name()).isPresent()
        && eventTypes.stream().allMatch(t -> current.eventType(t).map(et -> et.has(property.name())).orElse(false));
    Schema next = withProperty(current, property, eventTypes);
    if (known) {
      return current;
    }
    try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO schema_properties VALUES (?, ?, ?, ?)")) {
      ps.setString(1, property.name());
      ps.setString(2, property.type().label());
      ps.setString(3, property.description());
      List<String> all = new ArrayList<>();
      for (EventTypeDef et : next.eventTypes()) {
        if (et.has(property.name()) && !Schema.standard().eventType(et.name()).map(s -> s.has(property.name())).orElse(false)) {
          all.add(et.name());
        }
      }
      ps.setObject(4, conn.createArrayOf("VARCHAR", all.toArray()));
      ps.executeUpdate();
    }
    try (Statement s = conn.createStatement()) {
      s.execute("ALTER TABLE events ADD COLUMN IF NOT EXISTS " + Columns.quote(property.name()) + " " + Columns.sqlType(property.type()));
    }
    return next;
  }

  // ---- writing

  @Override
  public synchronized WriteResult write(Batch batch) {
    if (batch.isEmpty()) {
      return WriteResult.NONE;
    }
    Schema s = schema;
    List<TraitDef> traits = storedTraits(s);
    List<PropertyDef> props = eventProperties(s);
    try {
      stage(batch, traits, props);
    } catch (SQLException e) {
      dropStaging();
      throw new StoreException("could not stage the batch: " + e.getMessage(), e);
    }
    try {
      WriteResult r = transaction(() -> {
        try {
          return merge(traits, props);
        } finally {
          dropStaging();
        }
      });
      if (r.profilesCreated() > 0) {
        profilesVersion++;
      }
      return r;
    } finally {
      dropStaging();
      factsMoved();
    }
  }

  private void stage(Batch batch, List<TraitDef> traits, List<PropertyDef> props) throws SQLException {
    try (Statement st = conn.createStatement()) {
      StringBuilder p = new StringBuilder("CREATE OR REPLACE TEMP TABLE s_profiles(_seq BIGINT, profile_id VARCHAR");
      for (TraitDef t : traits) {
        p.append(", ").append(Columns.quote(t.name())).append(' ').append(Columns.sqlType(t.type()));
      }
      st.execute(p.append(")").toString());
      st.execute("CREATE OR REPLACE TEMP TABLE s_identifiers(profile_id VARCHAR, kind VARCHAR, value VARCHAR)");
      StringBuilder e = new StringBuilder("CREATE OR REPLACE TEMP TABLE s_events(_seq BIGINT, event_id VARCHAR, profile_id VARCHAR, anonymous_id VARCHAR, type VARCHAR, ts TIMESTAMP, _extras VARCHAR");
      for (PropertyDef prop : props) {
        e.append(", ").append(Columns.quote(prop.name())).append(' ').append(Columns.sqlType(prop.type()));
      }
      st.execute(e.append(")").toString());
      st.execute("CREATE OR REPLACE TEMP TABLE s_lines(_seq BIGINT, line_no INTEGER, product_id VARCHAR, product_name VARCHAR, category VARCHAR, quantity DOUBLE, unit_price DOUBLE, discount DOUBLE)");
    }
    long seq = 0;
    try (DuckDBAppender ap = conn.createAppender("temp", "main", "s_profiles");
        DuckDBAppender ai = conn.createAppender("temp", "main", "s_identifiers")) {
      for (Profile pr : batch.profiles()) {
        ap.beginRow().append(seq++).append(pr.id());
        for (TraitDef t : traits) {
          append(ap, pr.trait(t.name()), t.type());
        }
        ap.endRow();
        for (Identifier id : pr.identifiers()) {
          ai.beginRow().append(pr.id()).append(id.kind()).append(id.value()).endRow();
        }
      }
    }
    // An event's lines carry its staging position rather than its id: when one id is staged twice, only the copy
    // that is kept brings its lines.
    seq = 0;
    try (DuckDBAppender ae = conn.createAppender("temp", "main", "s_events");
        DuckDBAppender al = conn.createAppender("temp", "main", "s_lines")) {
      for (Event ev : batch.events()) {
        long at = seq++;
        ae.beginRow().append(at).append(ev.id()).append(ev.profileId()).append(ev.anonymousId()).append(ev.type())
            .append(LocalDateTime.ofInstant(ev.timestamp(), ZoneOffset.UTC)).append(extrasJson(ev));
        for (PropertyDef prop : props) {
          append(ae, ev.property(prop.name()), prop.type());
        }
        ae.endRow();
        int n = 0;
        for (OrderLine l : ev.lines()) {
          al.beginRow().append(at).append(n++).append(l.productId()).append(l.productName()).append(l.category())
              .append(l.quantity()).append(l.unitPrice()).append(l.discount()).endRow();
        }
      }
    }
  }

  private static void append(DuckDBAppender a, Value v, ValueType t) throws SQLException {
    if (v.isNull()) {
      a.appendNull();
      return;
    }
    switch (t) {
      case NUMBER -> a.append(((Value.Num) v).value());
      case STRING -> a.append(((Value.Str) v).value());
      case BOOLEAN -> a.append(((Value.Bool) v).value());
      case DATE -> a.append(((Value.DateValue) v).value());
      case TIMESTAMP -> a.append(LocalDateTime.ofInstant(((Value.TimeValue) v).value(), ZoneOffset.UTC));
      case STRING_LIST -> {
        List<String> items = new ArrayList<>();
        for (Value x : ((Value.ListValue) v).items()) {
          items.add(((Value.Str) x).value());
        }
        a.append(items);
      }
    }
  }

  private WriteResult merge(List<TraitDef> traits, List<PropertyDef> props) throws SQLException {
    try (Statement st = conn.createStatement()) {
      // Several rows of one profile in a batch merge as they would one after the other: per trait, the last value given.
      StringBuilder merged = new StringBuilder("CREATE OR REPLACE TEMP TABLE s_p AS SELECT max(_seq) AS _seq, profile_id");
      for (TraitDef t : traits) {
        String c = Columns.quote(t.name());
        merged.append(", arg_max(").append(c).append(", _seq) FILTER (WHERE ").append(c).append(" IS NOT NULL) AS ").append(c);
      }
      st.execute(merged.append(" FROM s_profiles GROUP BY profile_id").toString());
      st.execute("CREATE OR REPLACE TEMP TABLE s_ids AS SELECT DISTINCT profile_id FROM (SELECT profile_id FROM s_p UNION ALL "
          + "SELECT profile_id FROM s_events WHERE profile_id IS NOT NULL UNION ALL SELECT profile_id FROM s_identifiers) x "
          + "WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.profile_id = x.profile_id)");
      long updated = 0;
      if (!traits.isEmpty()) {
        StringBuilder u = new StringBuilder("UPDATE profiles SET ");
        for (int i = 0; i < traits.size(); i++) {
          String c = Columns.quote(traits.get(i).name());
          u.append(i > 0 ? ", " : "").append(c).append(" = COALESCE(s.").append(c).append(", profiles.").append(c).append(")");
        }
        u.append(" FROM s_p s WHERE profiles.profile_id = s.profile_id");
        updated = st.executeUpdate(u.toString());
      }
      StringBuilder cols = new StringBuilder();
      StringBuilder vals = new StringBuilder();
      for (TraitDef t : traits) {
        cols.append(", ").append(Columns.quote(t.name()));
        vals.append(", s.").append(Columns.quote(t.name()));
      }
      long created = st.executeUpdate("INSERT INTO profiles (pkey, profile_id" + cols + ") SELECT "
          + "(SELECT COALESCE(max(pkey), 0) FROM profiles) + row_number() OVER (ORDER BY i.profile_id), i.profile_id" + vals
          + " FROM s_ids i LEFT JOIN s_p s ON s.profile_id = i.profile_id");
      st.executeUpdate("INSERT INTO identifiers SELECT DISTINCT i.kind, i.value, p.pkey FROM s_identifiers i JOIN profiles p ON p.profile_id = i.profile_id "
          + "WHERE NOT EXISTS (SELECT 1 FROM identifiers x WHERE x.kind = i.kind AND x.value = i.value AND x.pkey = p.pkey)");
      st.execute("CREATE OR REPLACE TEMP TABLE s_new AS SELECT * FROM s_events s QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY _seq) = 1");
      // A join (not IN over all events) lets the optimiser build its hash table on the small staged side.
      st.execute("CREATE OR REPLACE TEMP TABLE s_dup AS SELECT n.event_id FROM s_new n JOIN events e ON e.event_id = n.event_id");
      st.executeUpdate("DELETE FROM s_new WHERE event_id IN (SELECT event_id FROM s_dup)");
      StringBuilder pc = new StringBuilder();
      StringBuilder pv = new StringBuilder();
      for (PropertyDef p : props) {
        pc.append(", ").append(Columns.quote(p.name()));
        pv.append(", s.").append(Columns.quote(p.name()));
      }
      long staged;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM s_events")) {
        rs.next();
        staged = rs.getLong(1);
      }
      // An event without a profile id belongs to the profile its anonymous id is linked to, if any (identity
      // stitching); the link with the smallest key wins, so an event never lands twice.
      String owner = owner("s");
      long written = st.executeUpdate("INSERT INTO events (event_id, pkey, anonymous_id, type, ts, _extras" + pc + ") SELECT s.event_id, COALESCE(p.pkey, a.pkey), s.anonymous_id, s.type, s.ts, s._extras" + pv
          + " FROM s_new s" + owner);
      // The new events' share of the kept aggregates, owned as the insert above owns them.
      facts.add(conn, facts.aggregate("COALESCE(p.pkey, a.pkey)", "s_new e" + owner("e"), "COALESCE(p.pkey, a.pkey) IS NOT NULL"));
      facts.advance(conn, "SELECT max(ts) FROM s_new e WHERE e.type IN (" + facts.typeList() + ")", List.of());
      long lines = st.executeUpdate("INSERT INTO order_lines (event_id, line_no, event_type, pkey, ts, order_id, product_id, product_name, category, quantity, unit_price, discount, line_total, currency) "
          + "SELECT s.event_id, l.line_no, s.type, COALESCE(p.pkey, a.pkey), s.ts, s.order_id, l.product_id, l.product_name, l.category, l.quantity, l.unit_price, l.discount, "
          + "l.quantity * l.unit_price - l.discount, s.currency FROM s_lines l JOIN s_new s ON s._seq = l._seq" + owner);
      // Anonymous ids linked by this batch: their earlier anonymous events become the profile's.
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM s_identifiers WHERE kind = 'anonymous_id'")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          String linked = "(SELECT value, min(pkey) AS pkey FROM identifiers WHERE kind = 'anonymous_id' AND value IN (SELECT value FROM s_identifiers WHERE kind = 'anonymous_id') GROUP BY value)";
          // Anonymous events about to become a profile's add their share to its kept aggregates.
          facts.add(conn, facts.aggregate("a.pkey", "events e JOIN " + linked + " a ON e.anonymous_id = a.value", "e.pkey IS NULL"));
          st.executeUpdate("UPDATE order_lines SET pkey = a.pkey FROM events e, " + linked + " a WHERE order_lines.pkey IS NULL AND order_lines.event_id = e.event_id AND e.pkey IS NULL AND e.anonymous_id = a.value");
          st.executeUpdate("UPDATE events SET pkey = a.pkey FROM " + linked + " a WHERE events.pkey IS NULL AND events.anonymous_id = a.value");
        }
      }
      return new WriteResult(created, updated, written, staged - written, lines);
    }
  }

  /** Joins giving staged rows (alias {@code s}) their owner's key: {@code COALESCE(p.pkey, a.pkey)}. */
  private static String owner(String s) {
    return " LEFT JOIN profiles p ON p.profile_id = " + s + ".profile_id LEFT JOIN (SELECT value, min(pkey) AS pkey FROM identifiers"
        + " WHERE kind = 'anonymous_id' GROUP BY value) a ON " + s + ".profile_id IS NULL AND a.value = " + s + ".anonymous_id";
  }

  private void dropStaging() {
    try (Statement st = conn.createStatement()) {
      for (String t : List.of("s_profiles", "s_identifiers", "s_events", "s_lines", "s_p", "s_ids", "s_new", "s_dup")) {
        st.execute("DROP TABLE IF EXISTS temp.main." + t);
      }
    } catch (SQLException ignored) {
      // temporary tables vanish with the connection anyway
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T transaction(Work<T> work) {
    try {
      conn.setAutoCommit(false);
      try {
        T t = work.run();
        conn.commit();
        return t;
      } catch (SQLException | RuntimeException e) {
        conn.rollback();
        throw e;
      } finally {
        conn.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("the store could not complete the write, nothing was changed: " + e.getMessage(), e);
    }
  }

  // ---- reading

  @Override
  public synchronized StoreStats stats() {
    try (Statement st = conn.createStatement()) {
      long profiles = scalar(st, "SELECT count(*) FROM profiles");
      long events = scalar(st, "SELECT count(*) FROM events");
      long lines = scalar(st, "SELECT count(*) FROM order_lines");
      Map<String, Long> byType = new LinkedHashMap<>();
      try (ResultSet rs = st.executeQuery("SELECT type, count(*) FROM events GROUP BY type ORDER BY type")) {
        while (rs.next()) {
          byType.put(rs.getString(1), rs.getLong(2));
        }
      }
      Instant first = null;
      Instant last = null;
      try (ResultSet rs = st.executeQuery("SELECT min(ts), max(ts) FROM events")) {
        rs.next();
        if (rs.getObject(1) != null) {
          first = rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
          last = rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }
      }
      return new StoreStats(profiles, events, lines, byType, first, last);
    } catch (SQLException e) {
      throw new StoreException("could not read store statistics: " + e.getMessage(), e);
    }
  }

  private static long scalar(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public synchronized Map<String, Long> propertyValues(String property, int limit) {
    PropertyDef p = schema.property(property).orElseThrow(() -> new UserException("unknown event property '" + property + "'"));
    String table = eventProperties(schema).contains(p) ? "events" : "order_lines";
    String col = Columns.quote(p.name());
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT CAST(" + col + " AS VARCHAR), count(*) FROM " + table + " WHERE " + col
        + " IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not read the values of " + property + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<ProfileHistory> history(String profileId) {
    Schema s = schema;
    List<TraitDef> traits = storedTraits(s);
    try {
      long pkey;
      Map<String, Value> values = new LinkedHashMap<>();
      StringBuilder q = new StringBuilder("SELECT pkey");
      traits.forEach(t -> q.append(", ").append(Columns.quote(t.name())));
      try (PreparedStatement ps = conn.prepareStatement(q + " FROM profiles WHERE profile_id = ?")) {
        ps.setString(1, profileId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          pkey = rs.getLong(1);
          for (int i = 0; i < traits.size(); i++) {
            values.put(traits.get(i).name(), Columns.read(rs, i + 2, traits.get(i).type()));
          }
        }
      }
      List<Identifier> ids = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT kind, value FROM identifiers WHERE pkey = ? ORDER BY kind, value")) {
        ps.setLong(1, pkey);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(new Identifier(rs.getString(1), rs.getString(2)));
          }
        }
      }
      Map<String, List<OrderLine>> lines = new LinkedHashMap<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT event_id, product_id, product_name, category, quantity, unit_price, discount FROM order_lines WHERE pkey = ? ORDER BY event_id, line_no")) {
        ps.setLong(1, pkey);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            lines.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new OrderLine(rs.getString(2), rs.getString(3), rs.getString(4), rs.getDouble(5), rs.getDouble(6), rs.getDouble(7)));
          }
        }
      }
      List<PropertyDef> props = eventProperties(s);
      StringBuilder eq = new StringBuilder("SELECT event_id, anonymous_id, type, ts, _extras");
      props.forEach(p -> eq.append(", ").append(Columns.quote(p.name())));
      List<Event> events = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(eq + " FROM events WHERE pkey = ? ORDER BY ts, event_id")) {
        ps.setLong(1, pkey);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String type = rs.getString(3);
            Map<String, Value> pv = new LinkedHashMap<>();
            EventTypeDef et = s.eventType(type).orElse(null);
            for (int i = 0; i < props.size(); i++) {
              if (et == null || et.has(props.get(i).name())) {
                pv.put(props.get(i).name(), Columns.read(rs, i + 6, props.get(i).type()));
              }
            }
            String id = rs.getString(1);
            events.add(new Event(id, profileId, rs.getString(2), type, rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC), pv,
                lines.getOrDefault(id, List.of()), extras(rs.getString(5))));
          }
        }
      }
      return Optional.of(new ProfileHistory(new Profile(profileId, ids, values), events));
    } catch (SQLException e) {
      throw new StoreException("could not read profile " + profileId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<String> profileIds() {
    List<String> out = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT profile_id FROM profiles ORDER BY profile_id")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not list profiles: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<String> findProfile(String kind, String value) {
    String v = kind.equals("email") ? value.trim().toLowerCase(Locale.ROOT) : value;
    try (PreparedStatement ps = conn.prepareStatement("SELECT p.profile_id FROM identifiers i JOIN profiles p ON p.pkey = i.pkey WHERE i.kind = ? AND i.value = ? ORDER BY p.pkey LIMIT 1")) {
      ps.setString(1, kind);
      ps.setString(2, v);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("could not look up an identifier: " + e.getMessage(), e);
    }
  }

  // ---- identity

  private long pkeyOf(String profileId) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT pkey FROM profiles WHERE profile_id = ?")) {
      ps.setString(1, profileId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new UserException("there is no profile '" + profileId + "'");
        }
        return rs.getLong(1);
      }
    }
  }

  @Override
  public synchronized MergeRecord merge(String survivorId, String mergedId, String reason, Instant at) {
    if (survivorId.equals(mergedId)) {
      throw new UserException("a profile cannot be merged into itself: '" + survivorId + "'");
    }
    return transaction(() -> {
      long s = pkeyOf(survivorId);
      long m = pkeyOf(mergedId);
      List<Identifier> moved = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT kind, value FROM identifiers WHERE pkey = ? ORDER BY kind, value")) {
        ps.setLong(1, m);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            moved.add(new Identifier(rs.getString(1), rs.getString(2)));
          }
        }
      }
      try (Statement st = conn.createStatement()) {
        st.executeUpdate("UPDATE events SET pkey = " + s + " WHERE pkey = " + m);
        st.executeUpdate("UPDATE order_lines SET pkey = " + s + " WHERE pkey = " + m);
        st.executeUpdate("INSERT INTO identifiers SELECT i.kind, i.value, " + s + " FROM identifiers i WHERE i.pkey = " + m
            + " AND NOT EXISTS (SELECT 1 FROM identifiers x WHERE x.pkey = " + s + " AND x.kind = i.kind AND x.value = i.value)");
        st.executeUpdate("DELETE FROM identifiers WHERE pkey = " + m);
        st.executeUpdate("UPDATE consents SET pkey = " + s + " WHERE pkey = " + m);
        List<TraitDef> traits = storedTraits(schema);
        if (!traits.isEmpty()) {
          StringBuilder u = new StringBuilder("UPDATE profiles SET ");
          for (int i = 0; i < traits.size(); i++) {
            String c = Columns.quote(traits.get(i).name());
            u.append(i > 0 ? ", " : "").append(c).append(" = COALESCE(profiles.").append(c).append(", o.").append(c).append(")");
          }
          st.executeUpdate(u.append(" FROM profiles o WHERE profiles.pkey = ").append(s).append(" AND o.pkey = ").append(m).toString());
        }
        st.executeUpdate("DELETE FROM profiles WHERE pkey = " + m);
      }
      facts.forget(conn, m);
      facts.refresh(conn, "SELECT " + s + " AS pkey");
      try (PreparedStatement ps = conn.prepareStatement("UPDATE membership_changes SET profile_id = ? WHERE profile_id = ?")) {
        ps.setString(1, survivorId);
        ps.setString(2, mergedId);
        ps.executeUpdate();
      }
      MergeRecord r = new MergeRecord(survivorId, mergedId, moved, at, reason, true);
      insertMerge(r);
      profilesVersion++;
      return r;
    });
  }

  private void insertMerge(MergeRecord r) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO merge_log VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, r.survivorId());
      ps.setString(2, r.mergedId());
      StringBuilder ids = new StringBuilder();
      for (Identifier i : r.identifiers()) {
        ids.append(ids.length() > 0 ? "\u001e" : "").append(i.kind()).append('\u001f').append(i.value());
      }
      ps.setString(3, ids.toString());
      ps.setObject(4, LocalDateTime.ofInstant(r.at(), ZoneOffset.UTC));
      ps.setString(5, r.reason());
      ps.setBoolean(6, r.applied());
      ps.executeUpdate();
    }
  }

  @Override
  public synchronized void refuseMerge(MergeRecord refused) {
    transaction(() -> {
      insertMerge(refused);
      return null;
    });
  }

  @Override
  public synchronized List<MergeRecord> merges(String profileId) {
    List<MergeRecord> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT survivor, merged, identifiers, ts, reason, applied FROM merge_log"
        + " WHERE ? IS NULL OR survivor = ? OR merged = ? ORDER BY ts")) {
      ps.setString(1, profileId);
      ps.setString(2, profileId);
      ps.setString(3, profileId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<Identifier> ids = new ArrayList<>();
          String packed = rs.getString(3);
          if (!packed.isEmpty()) {
            for (String pair : packed.split("\u001e")) {
              String[] kv = pair.split("\u001f", 2);
              ids.add(new Identifier(kv[0], kv[1]));
            }
          }
          out.add(new MergeRecord(rs.getString(1), rs.getString(2), ids, rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC),
              rs.getString(5), rs.getBoolean(6)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not read the merge log: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<String> holders(String kind, String value) {
    try (PreparedStatement ps = conn.prepareStatement("SELECT DISTINCT p.profile_id, p.pkey FROM identifiers i JOIN profiles p ON p.pkey = i.pkey WHERE i.kind = ? AND i.value = ? ORDER BY p.pkey")) {
      ps.setString(1, kind);
      ps.setString(2, kind.equals("email") ? value.trim().toLowerCase(Locale.ROOT) : value);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not count identifier holders: " + e.getMessage(), e);
    }
  }

  // ---- real-time segments

  @Override
  public synchronized void setRealtime(String segment, boolean realtime) {
    transaction(() -> {
      try (PreparedStatement ps = conn.prepareStatement(realtime ? "INSERT OR IGNORE INTO realtime_segments VALUES (?)" : "DELETE FROM realtime_segments WHERE name = ?")) {
        ps.setString(1, segment);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public synchronized Set<String> realtimeSegments() {
    Set<String> out = new TreeSet<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT r.name FROM realtime_segments r JOIN segments s ON s.name = r.name")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not list real-time segments: " + e.getMessage(), e);
    }
  }

  /** An event's extras as a JSON object, or null when it has none. */
  private static String extrasJson(Event ev) {
    return ev.extras().isEmpty() ? null : JsonValues.toJson(new Value.ObjectValue(ev.extras())).toString();
  }

  private static Map<String, Value> extras(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return ((Value.ObjectValue) JsonValues.fromJson(EXTRAS.readTree(json))).fields();
    } catch (IOException | ClassCastException e) {
      throw new StoreException("an event's extras are not a JSON object: " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public synchronized void recordViolations(String source, List<Violation> violations, Instant at, String batch) {
    if (violations.isEmpty()) {
      return;
    }
    // Several of one key in a request count once each, with the last example, as they would one after the other.
    Map<List<String>, long[]> counts = new LinkedHashMap<>();
    Map<List<String>, String> examples = new LinkedHashMap<>();
    for (Violation v : violations) {
      List<String> key = List.of(v.eventType(), v.field(), v.expected());
      counts.computeIfAbsent(key, k -> new long[1])[0]++;
      examples.put(key, v.example());
    }
    transaction(() -> {
      if (batch != null) {
        // A batch counts once: replaying a journal record that was applied before a crash must not count it again.
        // Keys older than a week go: a journal holds only what was not yet applied, never that old.
        LocalDateTime seen = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        try (PreparedStatement del = conn.prepareStatement("DELETE FROM violation_batches WHERE seen_at < ?");
            PreparedStatement ins = conn.prepareStatement("INSERT INTO violation_batches VALUES (?, ?) ON CONFLICT (key) DO NOTHING")) {
          del.setObject(1, seen.minusDays(7));
          del.executeUpdate();
          ins.setString(1, batch);
          ins.setObject(2, seen);
          if (ins.executeUpdate() == 0) {
            return null;
          }
        }
      }
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO violations VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, event_type, field, expected)"
          + " DO UPDATE SET count = violations.count + excluded.count, example = excluded.example, last_seen = greatest(violations.last_seen, excluded.last_seen)")) {
        LocalDateTime ts = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        for (Map.Entry<List<String>, long[]> c : counts.entrySet()) {
          ps.setString(1, source);
          ps.setString(2, c.getKey().get(0));
          ps.setString(3, c.getKey().get(1));
          ps.setString(4, c.getKey().get(2));
          ps.setLong(5, c.getValue()[0]);
          ps.setString(6, examples.get(c.getKey()));
          ps.setObject(7, ts);
          ps.setObject(8, ts);
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  @Override
  public synchronized List<ViolationCount> violations(String source, int limit) {
    List<ViolationCount> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT source, event_type, field, expected, count, example, first_seen, last_seen FROM violations"
        + " WHERE (? IS NULL OR source = ?) ORDER BY count DESC, source, event_type, field, expected LIMIT ?")) {
      ps.setString(1, source);
      ps.setString(2, source);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ViolationCount(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6),
              rs.getObject(7, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getObject(8, LocalDateTime.class).toInstant(ZoneOffset.UTC)));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("could not read the violations: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public synchronized void recordMembershipChanges(List<MembershipChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    transaction(() -> {
      try (DuckDBAppender a = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "membership_changes")) {
        for (MembershipChange c : changes) {
          a.beginRow().append(c.profileId()).append(c.segment()).append(c.entered()).append(LocalDateTime.ofInstant(c.at(), ZoneOffset.UTC)).append(c.cause()).endRow();
        }
      }
      return null;
    });
  }

  @Override
  public synchronized List<MembershipChange> membershipChanges(String segment, String profileId, Instant since, int limit) {
    List<MembershipChange> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT profile_id, segment, entered, ts, cause FROM membership_changes WHERE (? IS NULL OR segment = ?)"
        + " AND (? IS NULL OR profile_id = ?) AND ts >= ? ORDER BY ts, segment, profile_id LIMIT ?")) {
      ps.setString(1, segment);
      ps.setString(2, segment);
      ps.setString(3, profileId);
      ps.setString(4, profileId);
      ps.setObject(5, LocalDateTime.ofInstant(since, ZoneOffset.UTC));
      ps.setInt(6, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new MembershipChange(rs.getString(1), rs.getString(2), rs.getBoolean(3),
              rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString(5)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not read membership changes: " + e.getMessage(), e);
    }
  }

  // ---- privacy

  @Override
  public synchronized void recordConsent(String profileId, List<ConsentRecord> choices) {
    if (choices.isEmpty()) {
      return;
    }
    write(new Batch(List.of(new Profile(profileId, List.of(), Map.of())), List.of()));
    transaction(() -> {
      long pkey;
      try (PreparedStatement ps = conn.prepareStatement("SELECT pkey FROM profiles WHERE profile_id = ?")) {
        ps.setString(1, profileId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          pkey = rs.getLong(1);
        }
      }
      List<ConsentRecord> sorted = new ArrayList<>(choices);
      sorted.sort(ConsentPolicy.EFFECT_ORDER);
      try (PreparedStatement latest = conn.prepareStatement("SELECT granted FROM consents WHERE pkey = ? AND purpose = ? ORDER BY " + ConsentPolicy.sqlLatestFirst("ts", "granted") + " LIMIT 1");
          PreparedStatement insert = conn.prepareStatement("INSERT INTO consents VALUES (?, ?, ?, ?, ?)")) {
        for (ConsentRecord c : sorted) {
          latest.setLong(1, pkey);
          latest.setString(2, c.purpose().label());
          Boolean current = null;
          try (ResultSet rs = latest.executeQuery()) {
            if (rs.next()) {
              current = rs.getBoolean(1);
            }
          }
          if (current != null && current == c.granted()) {
            continue;
          }
          insert.setLong(1, pkey);
          insert.setString(2, c.purpose().label());
          insert.setBoolean(3, c.granted());
          insert.setObject(4, LocalDateTime.ofInstant(c.at(), ZoneOffset.UTC));
          insert.setString(5, c.source());
          insert.executeUpdate();
        }
      }
      return null;
    });
  }

  @Override
  public synchronized List<ConsentRecord> consents(String profileId) {
    List<ConsentRecord> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT c.purpose, c.granted, c.ts, c.source FROM consents c JOIN profiles p ON p.pkey = c.pkey"
        + " WHERE p.profile_id = ? ORDER BY c.ts, c.purpose")) {
      ps.setString(1, profileId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ConsentRecord(Purpose.parse(rs.getString(1)), rs.getBoolean(2),
              rs.getObject(3, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString(4)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not read consents: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Erasure erase(Collection<String> profileIds) {
    Erasure done = transaction(() -> {
      boolean any = false;
      try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM profiles WHERE profile_id = ?")) {
        for (String id : profileIds) {
          ps.setString(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            any |= rs.next();
          }
        }
      }
      return any ? PersonDeletion.run(conn, facts, profileIds) : null;
    });
    if (done == null) {
      throw new UserException("there is no profile " + profileIds.stream().map(id -> "'" + id + "'").collect(Collectors.joining(" or ")));
    }
    profilesVersion++;
    factsMoved();
    compact();
    return done;
  }

  /**
   * Rewrites the database into a fresh file and swaps it in. A DuckDB DELETE frees blocks but leaves their old
   * bytes in the file; a copy holds only live rows, so an erased person's data is gone from the disk, not only
   * from queries. If the process dies midway, the old file (already without the deleted rows in any query)
   * stays in place and the next erasure compacts again.
   */
  private void compact() {
    Path fresh = config.dataDir().resolve("segmenta.compacting.duckdb");
    try {
      Files.deleteIfExists(fresh);
      Files.deleteIfExists(Path.of(fresh + ".wal"));
      String catalog;
      try (Statement st = conn.createStatement()) {
        st.execute("CHECKPOINT");
        try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
          rs.next();
          catalog = rs.getString(1);
        }
        st.execute("ATTACH '" + fresh.toString().replace("'", "''") + "' AS sg_compact");
        st.execute("COPY FROM DATABASE \"" + catalog.replace("\"", "\"\"") + "\" TO sg_compact");
        st.execute("DETACH sg_compact");
      }
      conn.close();
      Files.move(fresh, config.databaseFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(Path.of(config.databaseFile() + ".wal"));
    } catch (SQLException | IOException e) {
      throw new StoreException("the rows are deleted, but rewriting the database file failed (it is retried on the next erasure): " + e.getMessage(), e);
    } finally {
      try {
        if (conn.isClosed()) {
          conn = connect(config);
        }
      } catch (SQLException e) {
        throw new StoreException("cannot reopen the database after compacting: " + e.getMessage(), e);
      }
    }
  }

  // ---- segments

  @Override
  public synchronized SegmentDefinition saveSegment(SegmentDefinition d) {
    return transaction(() -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO segments VALUES (?, ?, ?, ?)")) {
        ps.setString(1, d.name());
        ps.setString(2, d.rule());
        ps.setString(3, d.description());
        ps.setObject(4, LocalDateTime.ofInstant(d.updatedAt(), ZoneOffset.UTC));
        ps.executeUpdate();
      }
      return d;
    });
  }

  @Override
  public synchronized Optional<SegmentDefinition> segment(String name) {
    try (PreparedStatement ps = conn.prepareStatement("SELECT name, rule, description, updated_at FROM segments WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(segmentOf(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("could not read segment " + name + ": " + e.getMessage(), e);
    }
  }

  private static SegmentDefinition segmentOf(ResultSet rs) throws SQLException {
    return new SegmentDefinition(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC));
  }

  @Override
  public synchronized List<SegmentDefinition> segments() {
    List<SegmentDefinition> out = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT name, rule, description, updated_at FROM segments ORDER BY name")) {
      while (rs.next()) {
        out.add(segmentOf(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not list segments: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean deleteSegment(String name) {
    return transaction(() -> {
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM segments WHERE name = ?")) {
        ps.setString(1, name);
        return ps.executeUpdate() > 0;
      }
    });
  }

  // ---- experiments

  @Override
  public synchronized Experiment saveExperiment(Experiment e) {
    saveDefinition("experiments", e.key(), ExperimentJson.print(e));
    return e;
  }

  @Override
  public synchronized Optional<Experiment> experiment(String key) {
    return definition("experiments", key).map(ExperimentJson::parse);
  }

  @Override
  public synchronized List<Experiment> experiments() {
    return definitions("experiments").stream().map(ExperimentJson::parse).toList();
  }

  @Override
  public synchronized boolean deleteExperiment(String key) {
    return deleteDefinition("experiments", key);
  }

  // ---- placements

  @Override
  public synchronized Placement savePlacement(Placement p) {
    saveDefinition("placements", p.key(), PlacementJson.print(p));
    return p;
  }

  @Override
  public synchronized Optional<Placement> placement(String key) {
    return definition("placements", key).map(PlacementJson::parse);
  }

  @Override
  public synchronized List<Placement> placements() {
    return definitions("placements").stream().map(PlacementJson::parse).toList();
  }

  @Override
  public synchronized boolean deletePlacement(String key) {
    return deleteDefinition("placements", key);
  }

  // Experiments and placements are kept as their canonical JSON, one row per key, in tables of the same shape.

  private void saveDefinition(String table, String key, String json) {
    transaction(() -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO " + table + " VALUES (?, ?, ?)")) {
        ps.setString(1, key);
        ps.setString(2, json);
        ps.setObject(3, LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC));
        ps.executeUpdate();
      }
      return null;
    });
  }

  private Optional<String> definition(String table, String key) {
    try (PreparedStatement ps = conn.prepareStatement("SELECT definition FROM " + table + " WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("could not read " + key + " from " + table + ": " + e.getMessage(), e);
    }
  }

  private List<String> definitions(String table) {
    List<String> out = new ArrayList<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT definition FROM " + table + " ORDER BY key")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not list " + table + ": " + e.getMessage(), e);
    }
  }

  private boolean deleteDefinition(String table, String key) {
    return transaction(() -> {
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + table + " WHERE key = ?")) {
        ps.setString(1, key);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public synchronized ExperimentData experimentData(Experiment e, Map<String, Rule> segments, Instant segmentsAsOf, Instant asOf) {
    List<String> names = new ArrayList<>(segments.keySet());
    SqlCompiler.SqlQuery q = ExperimentSql.build(compiler(), e, new ArrayList<>(segments.values()), segmentsAsOf, asOf);
    int masks = SqlCompiler.maskColumns(names.size());
    int metrics = e.metrics().size();
    // Per (segment + 1, variant): units and the five sums of each metric, added up over the mask rows.
    Map<String, double[][]> acc = new LinkedHashMap<>();
    long multiple = 0;
    try (PreparedStatement ps = prepare(q); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int position = rs.getInt(1);
        String variant = position == 0 ? UNKNOWN_VARIANT : e.allocation().variants().get(position - 1).key();
        boolean several = rs.getInt(2) > 1;
        long[] mask = new long[masks];
        for (int m = 0; m < masks; m++) {
          mask[m] = rs.getLong(3 + m);
        }
        int c = 3 + masks;
        long units = rs.getLong(c);
        if (several) {
          multiple += units;
          continue;
        }
        double[] row = new double[1 + 5 * metrics];
        row[0] = units;
        for (int k = 0; k < 5 * metrics; k++) {
          row[1 + k] = orZero(rs, c + 1 + k);
        }
        double[][] cellsOfVariant = acc.computeIfAbsent(variant, k -> new double[names.size() + 1][1 + 5 * metrics]);
        add(cellsOfVariant[0], row);
        for (int i = 0; i < names.size(); i++) {
          if ((mask[i / SqlCompiler.MASK_BITS] >>> (i % SqlCompiler.MASK_BITS) & 1L) != 0) {
            add(cellsOfVariant[i + 1], row);
          }
        }
      }
    } catch (SQLException ex) {
      throw new StoreException("the experiment query failed: " + ex.getMessage(), ex);
    }
    List<ExperimentData.Cell> cells = new ArrayList<>();
    for (int i = 0; i <= names.size(); i++) {
      for (Map.Entry<String, double[][]> v : new TreeMap<>(acc).entrySet()) {
        double[] x = v.getValue()[i];
        if (x[0] == 0) {
          continue;
        }
        List<ExperimentData.Sums> sums = new ArrayList<>();
        for (int j = 0; j < metrics; j++) {
          int k = 1 + 5 * j;
          sums.add(new ExperimentData.Sums(x[k], x[k + 1], x[k + 2], x[k + 3], x[k + 4]));
        }
        cells.add(new ExperimentData.Cell(i == 0 ? null : names.get(i - 1), v.getKey(), (long) x[0], sums));
      }
    }
    if (acc.containsKey(UNKNOWN_VARIANT)) {
      // Rare: name the variants the experiment does not have, so the report can say which they were.
      String named = unknownVariantNames(e);
      List<ExperimentData.Cell> renamed = new ArrayList<>();
      for (ExperimentData.Cell c : cells) {
        renamed.add(c.variant().equals(UNKNOWN_VARIANT) ? new ExperimentData.Cell(c.segment(), named, c.units(), c.metrics()) : c);
      }
      cells = renamed;
    }
    return new ExperimentData(names, cells, multiple);
  }

  private static final String UNKNOWN_VARIANT = "\u0000unknown";

  private String unknownVariantNames(Experiment e) {
    StringBuilder sql = new StringBuilder("SELECT DISTINCT variation_id FROM events WHERE type = '" + Experiment.EXPOSURE_EVENT
        + "' AND experiment_id = ? AND variation_id IS NOT NULL AND variation_id NOT IN (");
    for (int i = 0; i < e.allocation().variants().size(); i++) {
      sql.append(i > 0 ? ", ?" : "?");
    }
    sql.append(") ORDER BY 1 LIMIT 20");
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
      ps.setString(1, e.key());
      for (int i = 0; i < e.allocation().variants().size(); i++) {
        ps.setString(i + 2, e.allocation().variants().get(i).key());
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    } catch (SQLException ex) {
      throw new StoreException("could not name unknown variants: " + ex.getMessage(), ex);
    }
    return "variants the experiment does not have: " + String.join(", ", out);
  }

  private static void add(double[] into, double[] row) {
    for (int k = 0; k < row.length; k++) {
      into[k] += row[k];
    }
  }

  private SegmentResolver resolver() {
    return name -> segment(name).map(d -> RuleText.parseRule(d.rule()));
  }

  private SqlCompiler compiler() {
    return new SqlCompiler(schema, DuckDbDialect.INSTANCE, resolver(), facts, factsThrough);
  }

  /** Reads the latest event time the kept aggregates hold, after a write that may have moved it. */
  private void factsMoved() {
    try {
      factsThrough = Facts.through(conn).orElse(null);
    } catch (SQLException e) {
      factsThrough = null;
      throw new StoreException("could not read the meta table: " + e.getMessage(), e);
    }
  }

  // ---- audiences

  @Override
  public synchronized long count(Rule rule, Instant asOf) {
    SqlCompiler.SqlQuery q = compiler().select(rule, asOf, "count(*)", null, List.of());
    try (PreparedStatement ps = prepare(q); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StoreException("the segment query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<String> members(Rule rule, Instant asOf, long offset, int limit) {
    SqlCompiler.SqlQuery q = compiler().select(rule, asOf, "p.profile_id", "ORDER BY p.profile_id LIMIT ? OFFSET ?", List.of((long) limit, offset));
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = prepare(q); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("the segment query failed: " + e.getMessage(), e);
    }
  }

  /**
   * Appends a column per trait to a select list: the stored column, or NULL for a computed trait, whose measure is
   * returned (in order) for the compiler to add after the rule's columns.
   */
  private static List<Measure> traitColumns(List<TraitDef> traits, StringBuilder cols) {
    List<Measure> computed = new ArrayList<>();
    for (TraitDef t : traits) {
      if (t.stored()) {
        cols.append(", p.").append(Columns.quote(t.name()));
      } else {
        cols.append(", NULL");
        computed.add(ComputedTraits.definition(t.name())
            .orElseThrow(() -> new UserException("trait '" + t.name() + "' is neither stored nor computed")));
      }
    }
    return computed;
  }

  /** Whether a profile's consent allows a purpose, by {@link ConsentPolicy}. */
  private static String consented(Purpose purpose) {
    return ConsentPolicy.sqlAllowed(purpose, "(SELECT c.granted FROM consents c WHERE c.pkey = p.pkey AND c.purpose = '" + purpose.label()
        + "' ORDER BY " + ConsentPolicy.sqlLatestFirst("c.ts", "c.granted") + " LIMIT 1)");
  }

  /** Identifiers packed by the queries as {@code kind US value RS kind US value ...} (see export and profileRows). */
  private static List<Identifier> identifiers(String packed) {
    List<Identifier> ids = new ArrayList<>();
    if (packed != null) {
      for (String pair : packed.split("\u001e")) {
        String[] kv = pair.split("\u001f", 2);
        ids.add(new Identifier(kv[0], kv[1]));
      }
    }
    return ids;
  }

  @Override
  public synchronized void interactions(String eventType, Instant from, Instant until, Consumer<Interaction> sink) {
    // In no particular order: a large sorted result did not always come back sorted through JDBC (DuckDB 2.0.0.1
    // returned one rotated run), and recommenders order what they read themselves.
    // Rows carry integer codes rather than strings (DuckDB's JDBC driver spends about a microsecond per string): the
    // profile's key, looked up in ProfileKeys, and a code per (product, category) pair, looked up in a dictionary
    // read first. Millions of lines, a few thousand products.
    String rows;
    if (eventType.equals("order_line")) {
      rows = "SELECT pkey, product_id, category, unit_price AS price, quantity, ts FROM order_lines WHERE event_type = 'order'";
    } else {
      EventTypeDef def = schema.eventType(eventType).orElseThrow(() -> new UserException("unknown event type '" + eventType + "'"));
      if (!def.properties().contains("product_id")) {
        throw new UserException("event type '" + eventType + "' has no product_id property; it has " + String.join(", ", def.properties()));
      }
      String category = def.properties().contains("category") ? "category" : "CAST(NULL AS VARCHAR)";
      String price = def.properties().contains("price") ? "price" : "CAST(NULL AS DOUBLE)";
      String quantity = def.properties().contains("quantity") ? "quantity" : "1";
      rows = "SELECT pkey, product_id, " + category + " AS category, " + price + " AS price, " + quantity + " AS quantity, ts FROM events WHERE type = '"
          + eventType.replace("'", "''") + "'";
    }
    rows += " AND pkey IS NOT NULL AND product_id IS NOT NULL AND ts >= ? AND ts < ?";
    LocalDateTime from0 = LocalDateTime.ofInstant(from, ZoneOffset.UTC);
    LocalDateTime until0 = LocalDateTime.ofInstant(until, ZoneOffset.UTC);
    try (Statement st = conn.createStatement()) {
      try (PreparedStatement ps = conn.prepareStatement("CREATE OR REPLACE TEMP TABLE s_rows AS " + rows)) {
        ps.setObject(1, from0);
        ps.setObject(2, until0);
        ps.execute();
      }
      st.execute("CREATE OR REPLACE TEMP TABLE s_items AS SELECT product_id, category, row_number() OVER (ORDER BY product_id, category) - 1 AS code"
          + " FROM (SELECT DISTINCT product_id, category FROM s_rows)");
      List<String> products = new ArrayList<>();
      List<String> categories = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT product_id, category FROM s_items ORDER BY code")) {
        while (rs.next()) {
          products.add(rs.getString(1));
          categories.add(rs.getString(2));
        }
      }
      String[] ids = keys.ids(conn, profilesVersion);
      try (ResultSet rs = st.executeQuery("SELECT r.pkey, i.code, r.price, r.quantity, epoch_us(r.ts) FROM s_rows r JOIN s_items i"
          + " ON i.product_id = r.product_id AND i.category IS NOT DISTINCT FROM r.category")) {
        while (rs.next()) {
          double p = rs.getDouble(3);
          boolean noPrice = rs.wasNull();
          double q = rs.getDouble(4);
          boolean noQuantity = rs.wasNull();
          int code = rs.getInt(2);
          long micros = rs.getLong(5);
          sink.accept(new Interaction(ids[(int) rs.getLong(1)], products.get(code), categories.get(code), noPrice ? Double.NaN : p,
              noQuantity ? 1 : q, Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000)));
        }
      }
      st.execute("DROP TABLE IF EXISTS temp.main.s_rows");
      st.execute("DROP TABLE IF EXISTS temp.main.s_items");
    } catch (SQLException e) {
      throw new StoreException("the interactions query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void profileRows(List<String> traitNames, List<String> identifierKinds, List<Rule> segments, Instant asOf,
      Purpose purpose, Consumer<ProfileRow> sink) {
    Schema s = schema;
    List<TraitDef> traits = new ArrayList<>();
    for (String n : traitNames) {
      traits.add(s.trait(n).orElseThrow(() -> new UserException("unknown trait '" + n + "'")));
    }
    StringBuilder kinds = new StringBuilder();
    for (String k : identifierKinds) {
      Preconditions.checkArgument(k.matches("[a-z][a-z0-9_]{0,62}"), "identifier kind must be lower_snake_case, got '%s'", k);
      kinds.append(kinds.length() == 0 ? "" : ", ").append('\'').append(k).append('\'');
    }
    StringBuilder cols = new StringBuilder("p.pkey, ");
    cols.append(identifierKinds.isEmpty() ? "NULL" : "(SELECT string_agg(i.kind || chr(31) || i.value, chr(30) ORDER BY i.kind, i.value) FROM identifiers i"
        + " WHERE i.pkey = p.pkey AND i.kind IN (" + kinds + "))");
    cols.append(", ").append(consented(purpose));
    List<Measure> computed = traitColumns(traits, cols);
    int lead = 3 + traits.size();
    int masks = SqlCompiler.maskColumns(segments.size());
    SqlCompiler.SqlQuery q = compiler().membershipMasks(cols.toString(), segments, asOf, computed, List.of());
    List<ValueType> computedTypes = computed.stream().map(m -> Measures.type(m, s)).toList();
    try (PreparedStatement ps = prepare(q); ResultSet rs = ps.executeQuery()) {
      String[] profileIds = keys.ids(conn, profilesVersion);
      while (rs.next()) {
        List<Identifier> ids = identifierKinds.isEmpty() ? List.of() : identifiers(rs.getString(2));
        BitSet member = new BitSet(segments.size());
        for (int m = 0; m < masks; m++) {
          long mask = rs.getLong(lead + 1 + m);
          for (int b = 0; b < SqlCompiler.MASK_BITS; b++) {
            if ((mask & (1L << b)) != 0) {
              member.set(m * SqlCompiler.MASK_BITS + b);
            }
          }
        }
        List<Value> values = new ArrayList<>(traits.size());
        int c = 0;
        for (int i = 0; i < traits.size(); i++) {
          TraitDef t = traits.get(i);
          values.add(t.stored() ? Columns.read(rs, 4 + i, t.type()) : Columns.read(rs, lead + masks + 1 + c, computedTypes.get(c++)));
        }
        sink.accept(new ProfileRow(profileIds[(int) rs.getLong(1)], ids, values, member, rs.getBoolean(3)));
      }
    } catch (SQLException e) {
      throw new StoreException("the profile rows query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized NumberColumns numberColumns(Rule universe, List<String> traitNames, List<Rule> flags, Instant asOf,
      Purpose purpose) {
    Schema s = schema;
    StringBuilder cols = new StringBuilder("p.pkey, ").append(consented(purpose)).append(" AS _consent");
    List<Measure> computed = new ArrayList<>();
    int stored = 0;
    int[] column = new int[traitNames.size()];
    for (int i = 0; i < traitNames.size(); i++) {
      String n = traitNames.get(i);
      TraitDef t = s.trait(n).orElseThrow(() -> new UserException("unknown trait '" + n + "'"));
      if (t.stored()) {
        if (t.type() != ValueType.NUMBER && t.type() != ValueType.BOOLEAN) {
          throw new UserException("trait '" + n + "' is a " + t.type().label() + ", not a number or a boolean");
        }
        cols.append(", CAST(p.").append(Columns.quote(n)).append(" AS DOUBLE)");
        column[i] = 3 + stored++;
      } else {
        Measure m = ComputedTraits.definition(n)
            .orElseThrow(() -> new UserException("trait '" + n + "' is neither stored nor computed"));
        if (Measures.type(m, s) != ValueType.NUMBER) {
          throw new UserException("computed trait '" + n + "' is not a number");
        }
        column[i] = -1 - computed.size();
        computed.add(m);
      }
    }
    List<Rule> rules = new ArrayList<>();
    rules.add(universe);
    rules.addAll(flags);
    int masks = SqlCompiler.maskColumns(rules.size());
    int firstMeasure = 3 + stored + masks;
    for (int i = 0; i < column.length; i++) {
      if (column[i] < 0) {
        column[i] = firstMeasure + (-1 - column[i]);
      }
    }
    SqlCompiler.SqlQuery q = compiler().membershipMasks(cols.toString(), rules, asOf, computed, List.of());
    // In key order, which is usually profile-id order too (keys are given in id order within each write).
    String sql = "SELECT * FROM (" + q.sql() + ") WHERE _consent AND (_sm0 & 1) = 1 ORDER BY pkey";
    int capacity = 1024;
    long[] keysRead = new long[capacity];
    double[][] values = new double[column.length][capacity];
    BitSet[] met = new BitSet[flags.size()];
    for (int k = 0; k < met.length; k++) {
      met[k] = new BitSet();
    }
    int n = 0;
    try (PreparedStatement ps = prepare(new SqlCompiler.SqlQuery(sql, q.params())); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (n == capacity) {
          capacity *= 2;
          keysRead = Arrays.copyOf(keysRead, capacity);
          for (int j = 0; j < values.length; j++) {
            values[j] = Arrays.copyOf(values[j], capacity);
          }
        }
        keysRead[n] = rs.getLong(1);
        for (int j = 0; j < column.length; j++) {
          double v = rs.getDouble(column[j]);
          values[j][n] = rs.wasNull() ? Double.NaN : v;
        }
        for (int k = 0; k < met.length; k++) {
          int bit = k + 1;
          if ((rs.getLong(3 + stored + bit / SqlCompiler.MASK_BITS) >>> (bit % SqlCompiler.MASK_BITS) & 1L) != 0) {
            met[k].set(n);
          }
        }
        n++;
      }
      String[] byKey = keys.ids(conn, profilesVersion);
      String[] ids = new String[n];
      for (int i = 0; i < n; i++) {
        ids[i] = byKey[(int) keysRead[i]];
      }
      List<double[]> out = new ArrayList<>();
      for (double[] v : values) {
        out.add(Arrays.copyOf(v, n));
      }
      return new NumberColumns(ids, out, List.of(met));
    } catch (SQLException e) {
      throw new StoreException("the number columns query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long export(Rule rule, Instant asOf, List<String> traitNames, Purpose purpose, Consumer<Member> sink) {
    Schema s = schema;
    List<TraitDef> traits = new ArrayList<>();
    for (String n : traitNames) {
      traits.add(s.trait(n).orElseThrow(() -> new UserException("unknown trait '" + n + "' in the export column list")));
    }
    StringBuilder cols = new StringBuilder("p.profile_id, (SELECT string_agg(i.kind || chr(31) || i.value, chr(30) ORDER BY i.kind, i.value) FROM identifiers i WHERE i.pkey = p.pkey)");
    List<Measure> computed = traitColumns(traits, cols);
    // The purpose's latest recorded choice decides; without one, opt-in purposes are refused and analytics allowed.
    String consent = "AND " + consented(purpose);
    SqlCompiler.SqlQuery q = compiler().selectWithMeasures(rule, asOf, cols.toString(), computed, consent + " ORDER BY p.profile_id");
    long n = 0;
    try (PreparedStatement ps = prepare(q); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        List<Identifier> ids = identifiers(rs.getString(2));
        Map<String, Value> values = new LinkedHashMap<>();
        int m = 0;
        for (int i = 0; i < traits.size(); i++) {
          TraitDef t = traits.get(i);
          int col = t.stored() ? i + 3 : 3 + traits.size() + m++;
          values.put(t.name(), Columns.read(rs, col, t.type()));
        }
        sink.accept(new Member(rs.getString(1), ids, values));
        n++;
      }
      return n;
    } catch (SQLException e) {
      throw new StoreException("the export query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Totals totals(Rule rule, Instant asOf, List<Measure> measures) {
    return totals(rule, asOf, measures, List.of());
  }

  @Override
  public synchronized Totals totals(Rule rule, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    SqlCompiler.SqlQuery q = compiler().totals(rule, asOf, measures, numberTraits);
    try (PreparedStatement ps = prepare(q); ResultSet rs = ps.executeQuery()) {
      rs.next();
      List<Double> sums = new ArrayList<>();
      List<Long> counts = new ArrayList<>();
      List<Double> squares = new ArrayList<>();
      List<Double> mins = new ArrayList<>();
      List<Double> maxs = new ArrayList<>();
      for (int i = 0; i < measures.size() + numberTraits.size(); i++) {
        int c = 2 + 5 * i;
        counts.add(rs.getLong(c));
        sums.add(orZero(rs, c + 1));
        squares.add(orZero(rs, c + 2));
        mins.add(orNaN(rs, c + 3));
        maxs.add(orNaN(rs, c + 4));
      }
      return new Totals(rs.getLong(1), sums, counts, squares, mins, maxs);
    } catch (SQLException e) {
      throw new StoreException("the totals query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized SegmentTotals segmentTotals(Map<String, Rule> segments, Instant asOf,
      List<Measure> measures, List<String> numberTraits, BitSet spread) {
    List<String> names = new ArrayList<>(segments.keySet());
    int values = measures.size() + numberTraits.size();
    int masks = SqlCompiler.maskColumns(names.size());
    SqlCompiler.SqlQuery q = compiler().membershipMasks(new ArrayList<>(segments.values()), asOf, measures, numberTraits);
    // One row per combination of segments that occurs, with its profiles' statistics; the per-segment totals and the
    // pairwise overlaps are exact sums over the rows whose mask has the segment's bit (both bits, for an overlap).
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int m = 0; m < masks; m++) {
      sql.append(m > 0 ? ", " : "").append("_sm").append(m);
    }
    sql.append(", count(*)");
    // Where each value's statistics start among the result's columns: count and sum, then for a spread value the
    // sum of squares, the minimum and the maximum.
    int[] column = new int[values];
    int next = masks + 2;
    for (int i = 0; i < values; i++) {
      String x = "_v" + i;
      column[i] = next;
      sql.append(", count(").append(x).append("), sum(").append(x).append(")");
      next += 2;
      if (spread.get(i)) {
        sql.append(", sum(").append(x).append(" * ").append(x).append("), min(").append(x).append("), max(").append(x).append(")");
        next += 3;
      }
    }
    sql.append(" FROM (").append(q.sql()).append(")");
    // Profiles in no segment are left out, unless a segment holds everyone (the filter would then recompute every
    // profile's mask for nothing).
    if (segments.values().stream().noneMatch(r -> r instanceof Rule.And a && a.rules().isEmpty())) {
      sql.append(" WHERE ");
      for (int m = 0; m < masks; m++) {
        sql.append(m > 0 ? " OR " : "").append("_sm").append(m).append(" <> 0");
      }
    }
    sql.append(" GROUP BY ALL");
    int n = names.size();
    long[] members = new long[n];
    long[][] counts = new long[n][values];
    double[][] sums = new double[n][values];
    double[][] squares = new double[n][values];
    double[][] mins = new double[n][values];
    double[][] maxs = new double[n][values];
    for (double[] row : mins) {
      Arrays.fill(row, Double.NaN);
    }
    for (double[] row : maxs) {
      Arrays.fill(row, Double.NaN);
    }
    long[][] both = new long[n][n];
    try (PreparedStatement ps = prepare(new SqlCompiler.SqlQuery(sql.toString(), q.params())); ResultSet rs = ps.executeQuery()) {
      int[] in = new int[n];
      while (rs.next()) {
        int k = 0;
        for (int i = 0; i < n; i++) {
          if ((rs.getLong(1 + i / SqlCompiler.MASK_BITS) >>> (i % SqlCompiler.MASK_BITS) & 1L) != 0) {
            in[k++] = i;
          }
        }
        long c = rs.getLong(masks + 1);
        for (int a = 0; a < k; a++) {
          int i = in[a];
          members[i] += c;
          for (int b = a; b < k; b++) {
            both[i][in[b]] += c;
          }
        }
        for (int v = 0; v < values; v++) {
          int col = column[v];
          long cnt = rs.getLong(col);
          if (cnt == 0) {
            continue;
          }
          boolean spreads = spread.get(v);
          double sum = orZero(rs, col + 1);
          double sq = spreads ? orZero(rs, col + 2) : Double.NaN;
          double mn = spreads ? orNaN(rs, col + 3) : Double.NaN;
          double mx = spreads ? orNaN(rs, col + 4) : Double.NaN;
          for (int a = 0; a < k; a++) {
            int i = in[a];
            counts[i][v] += cnt;
            sums[i][v] += sum;
            squares[i][v] += sq;
            mins[i][v] = Double.isNaN(mins[i][v]) ? mn : Math.min(mins[i][v], mn);
            maxs[i][v] = Double.isNaN(maxs[i][v]) ? mx : Math.max(maxs[i][v], mx);
          }
        }
      }
    } catch (SQLException e) {
      throw new StoreException("the segment totals query failed: " + e.getMessage(), e);
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        both[i][j] = both[j][i];
      }
    }
    Map<String, Totals> totals = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      if (members[i] == 0) {
        continue;
      }
      List<Double> su = new ArrayList<>();
      List<Long> co = new ArrayList<>();
      List<Double> sq = new ArrayList<>();
      List<Double> mi = new ArrayList<>();
      List<Double> ma = new ArrayList<>();
      for (int v = 0; v < values; v++) {
        su.add(sums[i][v]);
        co.add(counts[i][v]);
        sq.add(squares[i][v]);
        mi.add(mins[i][v]);
        ma.add(maxs[i][v]);
      }
      totals.put(names.get(i), new Totals(members[i], su, co, sq, mi, ma));
    }
    List<Double> none = Collections.nCopies(values, 0.0);
    List<Long> zero = Collections.nCopies(values, 0L);
    List<Double> nan = Collections.nCopies(values, Double.NaN);
    for (String name : names) {
      totals.putIfAbsent(name, new Totals(0, none, zero, none, nan, nan));
    }
    // In the order of the names, as callers read them.
    Map<String, Totals> ordered = new LinkedHashMap<>();
    names.forEach(name -> ordered.put(name, totals.get(name)));
    return new SegmentTotals(ordered, names, both);
  }

  private static double orZero(ResultSet rs, int col) throws SQLException {
    double d = rs.getDouble(col);
    return rs.wasNull() ? 0.0 : d;
  }

  private static double orNaN(ResultSet rs, int col) throws SQLException {
    double d = rs.getDouble(col);
    return rs.wasNull() ? Double.NaN : d;
  }

  @Override
  public synchronized long countSample(Rule rule, Instant asOf, int modulus) {
    if (modulus < 1) {
      throw new IllegalArgumentException("sample modulus must be positive, got " + modulus);
    }
    SqlCompiler.SqlQuery q = compiler().select(rule, asOf, "count(*)", null, List.of(), modulus == 1 ? 0 : modulus);
    try (PreparedStatement ps = prepare(q); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1) * modulus;
    } catch (SQLException e) {
      throw new StoreException("the preview query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long[] memberKeys(Rule rule, Instant asOf) {
    SqlCompiler.SqlQuery q = compiler().select(rule, asOf, "p.pkey", "ORDER BY p.pkey", List.of());
    try (PreparedStatement ps = prepare(q); ResultSet rs = ps.executeQuery()) {
      long[] out = new long[1024];
      int n = 0;
      while (rs.next()) {
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = rs.getLong(1);
      }
      return Arrays.copyOf(out, n);
    } catch (SQLException e) {
      throw new StoreException("the members query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<CohortCell> cohorts(String eventType, Instant asOf) {
    String sql = "WITH o AS (SELECT pkey, date_trunc('month', ts) AS m FROM events WHERE type = ? AND pkey IS NOT NULL AND ts <= ? GROUP BY pkey, m),"
        + " f AS (SELECT pkey, min(m) AS first FROM o GROUP BY pkey)"
        + " SELECT strftime(f.first, '%Y-%m'), date_diff('month', f.first, o.m), count(*) FROM o JOIN f ON f.pkey = o.pkey"
        + " GROUP BY 1, 2 ORDER BY 1, 2";
    List<CohortCell> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setString(1, eventType);
      ps.setObject(2, LocalDateTime.ofInstant(asOf, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new CohortCell(rs.getString(1), rs.getInt(2), rs.getLong(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("the cohort query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void values(Rule rule, Instant asOf, List<Measure> measures,
      BiConsumer<String, List<Value>> sink) {
    SqlCompiler.SqlQuery q = compiler().selectWithMeasures(rule, asOf, "p.pkey", measures, "ORDER BY p.pkey");
    List<ValueType> types = measures.stream().map(m -> Measures.type(m, schema)).toList();
    try (PreparedStatement ps = prepare(q); ResultSet rs = ps.executeQuery()) {
      String[] ids = keys.ids(conn, profilesVersion);
      while (rs.next()) {
        List<Value> values = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
          values.add(Columns.read(rs, i + 2, types.get(i)));
        }
        sink.accept(ids[(int) rs.getLong(1)], values);
      }
    } catch (SQLException e) {
      throw new StoreException("the values query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void purchaseDays(String eventType, String valueProperty, Instant asOf, Consumer<PurchaseDays> sink) {
    PropertyDef value = schema.property(valueProperty).filter(p -> p.type() == ValueType.NUMBER)
        .orElseThrow(() -> new UserException("'" + valueProperty + "' is not a number property"));
    String sql = "WITH d AS (SELECT pkey, date_trunc('day', ts) AS day, sum(COALESCE(" + Columns.quote(value.name()) + ", 0)) AS v FROM events"
        + " WHERE type = ? AND pkey IS NOT NULL AND ts <= ? GROUP BY pkey, day),"
        + " f AS (SELECT pkey, day, v, min(day) OVER (PARTITION BY pkey) AS first FROM d)"
        + " SELECT p.profile_id, count(*), min(f.day), max(f.day), sum(f.v), COALESCE(sum(f.v) FILTER (WHERE f.day > f.first), 0)"
        + " FROM f JOIN profiles p ON p.pkey = f.pkey GROUP BY p.profile_id ORDER BY p.profile_id";
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setString(1, eventType);
      ps.setObject(2, LocalDateTime.ofInstant(asOf, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sink.accept(new PurchaseDays(rs.getString(1), rs.getInt(2),
              rs.getObject(3, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC),
              rs.getDouble(5), rs.getDouble(6)));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("the purchase summary query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void writeScores(Instant asOf, List<String> traits, Map<String, List<Value>> scores) {
    List<TraitDef> defs = scoreTraits(traits);
    stageScores(defs, a -> {
      for (Map.Entry<String, List<Value>> e : scores.entrySet()) {
        a.beginRow().append(e.getKey());
        for (int i = 0; i < defs.size(); i++) {
          append(a, e.getValue().get(i), defs.get(i).type());
        }
        a.endRow();
      }
    });
    replaceScores(asOf, defs);
  }

  @Override
  public synchronized void writeScores(Instant asOf, String trait, String[] ids, double[] values) {
    Preconditions.checkArgument(ids.length == values.length, "%s ids for %s values", ids.length, values.length);
    List<TraitDef> defs = scoreTraits(List.of(trait));
    if (defs.get(0).type() != ValueType.NUMBER) {
      throw new UserException("'" + trait + "' is not a number trait");
    }
    // Both arrays go in as one row of two lists, unnested side by side in SQL: half the time of a row per profile.
    try (Statement st = conn.createStatement()) {
      st.execute("CREATE OR REPLACE TEMP TABLE s_lists(ids VARCHAR[], v DOUBLE[])");
      try (DuckDBAppender a = conn.createAppender("temp", "main", "s_lists")) {
        a.beginRow().append(Arrays.asList(ids));
        a.append(values);
        a.endRow();
      }
      st.execute("CREATE OR REPLACE TEMP TABLE s_scores AS SELECT profile_id, CASE WHEN isnan(v) THEN NULL ELSE v END AS "
          + Columns.quote(trait) + " FROM (SELECT unnest(ids) AS profile_id, unnest(v) AS v FROM s_lists)");
      st.execute("DROP TABLE temp.main.s_lists");
    } catch (SQLException e) {
      throw new StoreException("could not stage scores: " + e.getMessage(), e);
    }
    replaceScores(asOf, defs);
  }

  private List<TraitDef> scoreTraits(List<String> traits) {
    List<TraitDef> defs = new ArrayList<>();
    for (String t : traits) {
      TraitDef d = schema.trait(t).orElseThrow(() -> new UserException("unknown trait '" + t + "'"));
      if (d.family() != Family.SCORE) {
        throw new UserException("'" + t + "' is not a score trait");
      }
      defs.add(d);
    }
    return defs;
  }

  @FunctionalInterface
  private interface Rows {
    void append(DuckDBAppender a) throws SQLException;
  }

  private void stageScores(List<TraitDef> defs, Rows rows) {
    try (Statement st = conn.createStatement()) {
      StringBuilder ddl = new StringBuilder("CREATE OR REPLACE TEMP TABLE s_scores(profile_id VARCHAR");
      defs.forEach(d -> ddl.append(", ").append(Columns.quote(d.name())).append(' ').append(Columns.sqlType(d.type())));
      st.execute(ddl.append(")").toString());
      try (DuckDBAppender a = conn.createAppender("temp", "main", "s_scores")) {
        rows.append(a);
      }
    } catch (SQLException e) {
      throw new StoreException("could not stage scores: " + e.getMessage(), e);
    }
  }

  /** Every profile's score columns become the staged values (none for profiles not staged), in one pass. */
  private void replaceScores(Instant asOf, List<TraitDef> defs) {
    transaction(() -> {
      try (Statement st = conn.createStatement()) {
        StringBuilder set = new StringBuilder("UPDATE profiles SET ");
        StringBuilder staged = new StringBuilder("SELECT p.pkey");
        for (int i = 0; i < defs.size(); i++) {
          String c = Columns.quote(defs.get(i).name());
          set.append(i > 0 ? ", " : "").append(c).append(" = s.").append(c);
          staged.append(", s.").append(c);
        }
        staged.append(" FROM profiles p LEFT JOIN s_scores s ON s.profile_id = p.profile_id");
        st.executeUpdate(set.append(" FROM (").append(staged).append(") s WHERE profiles.pkey = s.pkey").toString());
      }
      try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO meta VALUES (?, ?)")) {
        for (TraitDef d : defs) {
          ps.setString(1, "scored:" + d.name());
          ps.setString(2, asOf.toString());
          ps.executeUpdate();
        }
      }
      try (Statement st = conn.createStatement()) {
        st.execute("DROP TABLE IF EXISTS temp.main.s_scores");
      }
      return null;
    });
  }

  @Override
  public synchronized Optional<Instant> scoredAt(String trait) {
    try (PreparedStatement ps = conn.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      ps.setString(1, "scored:" + trait);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(Instant.parse(rs.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("could not read the meta table: " + e.getMessage(), e);
    }
  }

  @Override
  public String explain(Rule rule, Instant asOf) {
    SqlCompiler.SqlQuery q = compiler().select(rule, asOf, "p.profile_id", null, List.of());
    return q.sql() + "\n-- parameters: " + Arrays.toString(q.params().toArray());
  }

  private PreparedStatement prepare(SqlCompiler.SqlQuery q) throws SQLException {
    PreparedStatement ps = conn.prepareStatement(q.sql());
    for (int i = 0; i < q.params().size(); i++) {
      ps.setObject(i + 1, q.params().get(i));
    }
    return ps;
  }

  /** Runs SQL directly on the store's connection: for tests and benchmarks that compare with hand-written SQL. */
  synchronized <T> T withConnection(Function<Connection, T> f) {
    return f.apply(conn);
  }

  @Override
  public synchronized void close() {
    try {
      if (!conn.isClosed()) {
        try (Statement st = conn.createStatement()) {
          st.execute("CHECKPOINT");
        }
        conn.close();
      }
    } catch (SQLException e) {
      throw new StoreException("could not close the database " + config.databaseFile() + ": " + e.getMessage(), e);
    }
  }
}
