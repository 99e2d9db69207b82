package io.segmenta.duckdb;

import java.time.Instant;
import java.util.List;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.port.StoreStats;
import io.segmenta.core.schema.Schema;
import org.duckdb.DuckDBConnection;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.StoreException;
import io.segmenta.core.UserException;
import io.segmenta.core.model.Event;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import io.segmenta.sql.SqlCompiler;

/**
 * What the parts of the embedded store share: the one connection (replaced only by {@link FileCompaction}), the
 * current schema, the kept aggregates and the profile keys, and the lock every part takes. One connection used under
 * one lock, as before the store was split: DuckDB parallelises each query internally, and a write must not
 * interleave with another.
 */
final class Db {
  /** Made on first use: Jackson's set-up cost a few milliseconds of every CLI call, and most never read extras. */
  private static final class Extras {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  final StoreConfig config;
  /** Replaced only by {@link FileCompaction#compact()}, under this object's lock. */
  DuckDBConnection conn;
  volatile Schema schema;
  /** Lifetime aggregates kept per profile as events arrive, and the latest event time they hold (null: unusable). */
  final FactsTable facts;
  volatile Instant factsThrough;
  /** Profile ids by key for bulk reads, and a counter of writes that added or removed profiles. */
  final ProfileKeys keys = new ProfileKeys();
  long profilesVersion;
  /**
   * Bumped (under this object's lock) by every write that can change the rows of profiles, events or order lines:
   * staged writes, merges, erasures. {@link ProfileTables#stats()} keeps its counts while it is unchanged.
   */
  volatile long generation;
  /** The statistics as of a generation (null: none counted yet); read and replaced by {@link ProfileTables#stats()}. */
  volatile KeptStats keptStats;

  /** {@link StoreStats} counted at a write generation: valid while {@link #generation} is unchanged. */
  record KeptStats(long generation, StoreStats stats) {}
  /** The saved segments in name order as {@link SegmentTable#all()} last read them; null after a save or a delete. */
  volatile List<SegmentDefinition> savedSegments;
  /** Opened read-only ({@link DuckDbStore#openReadOnly}): nothing to checkpoint at close. */
  boolean readOnly;

  Db(StoreConfig config, DuckDBConnection conn, Schema schema, FactsTable facts) throws SQLException {
    this.config = config;
    this.conn = conn;
    this.schema = schema;
    this.facts = facts;
    this.factsThrough = FactsTable.through(conn).orElse(null);
  }

  long pkeyOf(String profileId) throws SQLException {
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

  @FunctionalInterface
  interface Work<T> {
    T run() throws SQLException;
  }

  <T> T transaction(Work<T> work) {
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
      throw SqlFailures.of("the store could not complete the write, nothing was changed: ", e);
    }
  }

  static long scalar(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** An event's extras as a JSON object, or null when it has none. */
  static String extrasJson(Event ev) {
    return ev.extras().isEmpty() ? null : JsonValues.toJson(new Value.ObjectValue(ev.extras())).toString();
  }

  static Map<String, Value> extras(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return ((Value.ObjectValue) JsonValues.fromJson(Extras.MAPPER.readTree(json))).fields();
    } catch (IOException | ClassCastException e) {
      throw new StoreException("an event's extras are not a JSON object: " + e.getClass().getSimpleName(), e);
    }
  }

  SegmentResolver resolver() {
    return name -> new SegmentTable(this).find(name).map(d -> RuleText.parseRule(d.rule()));
  }

  SqlCompiler compiler() {
    return new SqlCompiler(schema, DuckDbDialect.INSTANCE, resolver(), facts.kept(), factsThrough);
  }

  /** Reads the latest event time the kept aggregates hold, after a write that may have moved it. */
  void factsMoved() {
    try {
      factsThrough = FactsTable.through(conn).orElse(null);
    } catch (SQLException e) {
      factsThrough = null;
      throw SqlFailures.of("could not read the meta table: ", e);
    }
  }

  static double orZero(ResultSet rs, int col) throws SQLException {
    double d = rs.getDouble(col);
    return rs.wasNull() ? 0.0 : d;
  }

  static double orNaN(ResultSet rs, int col) throws SQLException {
    double d = rs.getDouble(col);
    return rs.wasNull() ? Double.NaN : d;
  }
}
