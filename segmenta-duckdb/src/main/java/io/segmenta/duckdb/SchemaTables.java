package io.segmenta.duckdb;

import io.segmenta.core.port.Catalog;
import io.segmenta.core.UserException;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The schema tables: creating (or upgrading) the database, loading the schema it holds, and declaring traits and
 * properties (a row in schema_traits or schema_properties and a column, committed together). Takes the store's lock ({@link Db}) as the store did.
 */
final class SchemaTables implements Catalog {
  private final Db db;

  SchemaTables(Db db) {
    this.db = db;
  }

  /** Creates or upgrades the tables when they are not this version's, then loads the schema. */
  static Schema createOrLoad(Connection c) throws SQLException {
    DdlScript script = script();
    if (!current(c, script)) {
      script.run(c);
    }
    return load(c);
  }

  /** Key in {@code meta} of the table script the database was last brought up to. */
  static final String DDL_KEY = "ddl";

  /**
   * Whether the database's tables are this version's: the script recorded when they were last created or upgraded
   * is this one. A read-only open needs it (it cannot run the script); a writing one skips the script when it holds.
   */
  static boolean current(Connection c) throws SQLException {
    return current(c, script());
  }

  private static boolean current(Connection c, DdlScript script) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      ps.setString(1, DDL_KEY);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && script.text().equals(rs.getString(1));
      }
    } catch (SQLException e) {
      // A new file has no meta table yet.
      if (String.valueOf(e.getMessage()).contains("does not exist")) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The tables of this version, as one script: {@code CREATE TABLE IF NOT EXISTS} and {@code ADD COLUMN IF NOT EXISTS}
   * for every table and standard column, so that it also upgrades a database made by an older version.
   */
  private static DdlScript script() {
    Schema std = Schema.standard();
    DdlScript s = new DdlScript();
    {
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
      s.execute("CREATE TABLE IF NOT EXISTS journeys(key VARCHAR PRIMARY KEY, definition VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)");
      JourneyTable.create(s);
      s.execute("CREATE TABLE IF NOT EXISTS destinations(key VARCHAR PRIMARY KEY, definition VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS campaigns(key VARCHAR PRIMARY KEY, definition VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)");
      DestinationStateTable.create(s);
      DestinationRunTable.create(s);
      s.execute("CREATE TABLE IF NOT EXISTS realtime_segments(name VARCHAR PRIMARY KEY)");
      s.execute("CREATE TABLE IF NOT EXISTS merge_log(survivor VARCHAR NOT NULL, merged VARCHAR NOT NULL, identifiers VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, reason VARCHAR NOT NULL, applied BOOLEAN NOT NULL)");
      MembershipIntervals.create(s);
      AlertTable.create(s);
      s.execute("CREATE TABLE IF NOT EXISTS membership_changes(profile_id VARCHAR NOT NULL, segment VARCHAR NOT NULL, entered BOOLEAN NOT NULL, ts TIMESTAMP NOT NULL, cause VARCHAR NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS consents(pkey BIGINT NOT NULL, purpose VARCHAR NOT NULL, granted BOOLEAN NOT NULL, ts TIMESTAMP NOT NULL, source VARCHAR NOT NULL)");
    }
    return s;
  }

  /** The schema the database holds: the standard one with its declared traits, properties and event types. */
  static Schema load(Connection c) throws SQLException {
    Schema schema = Schema.standard();
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
  static List<TraitDef> storedTraits(Schema s) {
    return s.traits().stream().filter(TraitDef::stored).toList();
  }

  /** Properties stored in the events table: those of every event type that is not derived. */
  static List<PropertyDef> eventProperties(Schema s) {
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
    return db.schema;
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
    Schema check = db.schema;
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
      return db.schema;
    }
    int from = 0;
    while (true) {
      synchronized (db) {
        int first = from;
        long start = System.nanoTime();
        Step step = db.transaction(() -> {
          Schema next = db.schema;
          int i = first;
          for (; i < todo.size() && (i == first || System.nanoTime() - start < DECLARE_STEP_NANOS); i++) {
            next = todo.get(i) instanceof TraitDef t ? addTrait(next, t) : addProperty(next, (PropertyDef) todo.get(i), typesOf(eventTypes, (PropertyDef) todo.get(i)));
          }
          return new Step(next, i - first);
        });
        db.schema = step.schema();
        from += step.declared();
        if (from >= todo.size()) {
          return db.schema;
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
    try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO schema_traits VALUES (?, ?, ?, ?)")) {
      ps.setString(1, trait.name());
      ps.setString(2, trait.type().label());
      ps.setString(3, trait.family().name());
      ps.setString(4, trait.description());
      ps.executeUpdate();
    }
    try (Statement s = db.conn.createStatement()) {
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
    try (PreparedStatement ps = db.conn.prepareStatement("INSERT OR REPLACE INTO schema_properties VALUES (?, ?, ?, ?)")) {
      ps.setString(1, property.name());
      ps.setString(2, property.type().label());
      ps.setString(3, property.description());
      List<String> all = new ArrayList<>();
      for (EventTypeDef et : next.eventTypes()) {
        if (et.has(property.name()) && !Schema.standard().eventType(et.name()).map(s -> s.has(property.name())).orElse(false)) {
          all.add(et.name());
        }
      }
      ps.setObject(4, db.conn.createArrayOf("VARCHAR", all.toArray()));
      ps.executeUpdate();
    }
    try (Statement s = db.conn.createStatement()) {
      s.execute("ALTER TABLE events ADD COLUMN IF NOT EXISTS " + Columns.quote(property.name()) + " " + Columns.sqlType(property.type()));
    }
    return next;
  }
}
