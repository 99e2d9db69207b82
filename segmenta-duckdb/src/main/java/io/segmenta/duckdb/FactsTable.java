package io.segmenta.duckdb;

import io.segmenta.core.schema.Schema;
import io.segmenta.sql.Facts;
import io.segmenta.sql.SqlCompiler;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The table of kept aggregates ({@code profile_facts}) in the DuckDB file: built from all events, added to by
 * each write's share ({@link Facts#aggregate}, combined by {@link Facts#combine}), recomputed for the profiles a
 * merge or link moves events between, and the latest event time it holds, recorded in {@code meta}. What is kept and
 * how it is computed is {@link Facts}'s, which the compiler reads.
 */
final class FactsTable {
  /** Key under which the definitions of the kept columns are recorded, to rebuild when they change. */
  static final String SIGNATURE_KEY = "facts";
  /** Key of the latest time of an event the kept values hold ("none" before any). */
  static final String THROUGH_KEY = "facts_through";

  private final Facts kept;

  private FactsTable(Facts kept) {
    this.kept = kept;
  }

  /** The kept aggregates of the schema's computed traits. */
  static FactsTable of(Schema schema, SqlCompiler compiler) {
    return new FactsTable(Facts.of(schema, compiler));
  }

  /** What is kept, for the compiler. */
  Facts kept() {
    return kept;
  }

  /** {@link Facts#aggregate}. */
  SqlCompiler.SqlQuery aggregate(String key, String from, String where) {
    return kept.aggregate(key, from, where);
  }

  /** {@link Facts#typeList}. */
  String typeList() {
    return kept.typeList();
  }

  /** Builds the table from all events when it is missing or was built from other definitions. */
  void ensure(Connection c) throws SQLException {
    if (!current(c)) {
      rebuild(c);
    }
  }

  /** Whether the table exists and was built from these definitions (a read-only open needs it). */
  boolean current(Connection c) throws SQLException {
    if (!kept.signature().equals(meta(c, SIGNATURE_KEY))) {
      return false;
    }
    // Asked of the table itself, not of information_schema.tables (a view that cost about 15 ms on every open).
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pkey FROM profile_facts LIMIT 0")) {
      return true;
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("does not exist")) {
        return false;
      }
      throw e;
    }
  }

  /** Recomputes every profile's kept values from the events. */
  void rebuild(Connection c) throws SQLException {
    SqlCompiler.SqlQuery q = kept.aggregate("e.pkey", "events e", "e.pkey IS NOT NULL");
    execute(c, "CREATE OR REPLACE TABLE profile_facts AS " + q.sql(), q.params());
    setMeta(c, SIGNATURE_KEY, kept.signature());
    setMeta(c, THROUGH_KEY, "none");
    advance(c, "SELECT max(ts) FROM events e WHERE e.type IN (" + kept.typeList() + ")", List.of());
  }

  /**
   * Adds the share of some rows to the kept values: {@code select} gives one row per profile in the columns of
   * {@link #aggregate}; profiles without kept values get a row.
   */
  void add(Connection c, SqlCompiler.SqlQuery select) throws SQLException {
    execute(c, "CREATE OR REPLACE TEMP TABLE s_facts AS " + select.sql(), select.params());
    String set = "UPDATE profile_facts SET " + kept.combine("profile_facts", "d");
    try (Statement st = c.createStatement()) {
      st.executeUpdate(set + " FROM s_facts d WHERE profile_facts.pkey = d.pkey");
      st.executeUpdate("INSERT INTO profile_facts SELECT * FROM s_facts d WHERE NOT EXISTS (SELECT 1 FROM profile_facts f WHERE f.pkey = d.pkey)");
      st.execute("DROP TABLE IF EXISTS temp.main.s_facts");
    }
  }

  /** Recomputes the kept values of the profiles whose keys the query gives, from their events. */
  void refresh(Connection c, String keys) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE OR REPLACE TEMP TABLE s_refresh AS " + keys);
      st.executeUpdate("DELETE FROM profile_facts WHERE pkey IN (SELECT pkey FROM s_refresh)");
    }
    SqlCompiler.SqlQuery q = kept.aggregate("e.pkey", "events e", "e.pkey IN (SELECT pkey FROM s_refresh)");
    execute(c, "INSERT INTO profile_facts " + q.sql(), q.params());
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS temp.main.s_refresh");
    }
  }

  /** Removes a profile's kept values. */
  void forget(Connection c, long pkey) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM profile_facts WHERE pkey = " + pkey);
    }
  }

  /** Raises the recorded latest event time to the (single-value) query's result if that is later. */
  void advance(Connection c, String maxQuery, List<Object> params) throws SQLException {
    LocalDateTime latest;
    try (PreparedStatement ps = c.prepareStatement(maxQuery)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        latest = rs.getObject(1, LocalDateTime.class);
      }
    }
    if (latest == null) {
      return;
    }
    Instant at = latest.toInstant(ZoneOffset.UTC);
    Optional<Instant> now = through(c);
    if (now.isEmpty() || at.isAfter(now.get())) {
      setMeta(c, THROUGH_KEY, at.toString());
    }
  }

  /**
   * The latest time of an event of a kept type, {@link Instant#MIN} when there is none (the values hold for any
   * "as of"); empty when the table has not been built.
   */
  static Optional<Instant> through(Connection c) throws SQLException {
    String v = meta(c, THROUGH_KEY);
    if (v == null) {
      return Optional.empty();
    }
    return Optional.of(v.equals("none") ? Instant.MIN : Instant.parse(v));
  }

  private static void execute(Connection c, String sql, List<Object> params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      ps.execute();
    }
  }

  private static String meta(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void setMeta(Connection c, String key, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO meta VALUES (?, ?)")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }
}
