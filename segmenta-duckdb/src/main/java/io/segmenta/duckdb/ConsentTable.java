package io.segmenta.duckdb;

import io.segmenta.core.port.ConsentLedger;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import io.segmenta.core.StoreException;
import org.duckdb.DuckDBAppender;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.consent.ConsentPolicy;

/**
 * The consent ledger table: changes only, one row per change of a purpose. Takes the store's lock ({@link Db}) as the store did.
 */
final class ConsentTable implements ConsentLedger {
  private final Db db;
  private final StagedWrites writes;

  ConsentTable(Db db, StagedWrites writes) {
    this.db = db;
    this.writes = writes;
  }

  // ---- privacy

  /**
   * Many profiles' choices in one write: their histories read together ({@link #consents(Collection)}), the choices
   * to record decided by {@link ConsentPolicy#changes} at the table's precision (microseconds), staged through the
   * appender into a temporary table, and moved into {@code consents} in the transaction that creates the profiles
   * that are new ({@link StagedWrites#write(Batch, Db.Work)}), as {@link StagedWrites} moves events: one transaction
   * and a few statements whatever the number of profiles, all or nothing. Before, each profile took a staged write of
   * its own and a read and an insert per choice.
   */
  @Override
  public void recordConsents(Map<String, List<ConsentRecord>> choices) {
    Map<String, List<ConsentRecord>> given = new LinkedHashMap<>();
    choices.forEach((id, c) -> {
      if (!c.isEmpty()) {
        given.put(id, c);
      }
    });
    if (given.isEmpty()) {
      return;
    }
    synchronized (db) {
      Map<String, List<ConsentRecord>> histories = consents(given.keySet());
      List<Profile> named = new ArrayList<>();
      try {
        try (Statement st = db.conn.createStatement()) {
          st.execute("CREATE OR REPLACE TEMP TABLE s_consents(profile_id VARCHAR, purpose VARCHAR, granted BOOLEAN, ts TIMESTAMP, source VARCHAR)");
        }
        try (DuckDBAppender ap = db.conn.createAppender("temp", "main", "s_consents")) {
          for (Map.Entry<String, List<ConsentRecord>> e : given.entrySet()) {
            named.add(new Profile(e.getKey(), List.of(), Map.of()));
            for (ConsentRecord c : ConsentPolicy.changes(histories.get(e.getKey()), atStoredPrecision(e.getValue()))) {
              ap.beginRow().append(e.getKey()).append(c.purpose().label()).append(c.granted())
                  .append(LocalDateTime.ofInstant(c.at(), ZoneOffset.UTC)).append(c.source()).endRow();
            }
          }
        }
      } catch (SQLException | ArithmeticException e) {
        dropStaged();
        throw new StoreException("could not stage the consent choices of " + given.size() + " profiles (is a choice's at outside the store's range?): " + e.getMessage(), e);
      }
      try {
        writes.write(new Batch(named, List.of()), () -> {
          try (Statement st = db.conn.createStatement()) {
            st.executeUpdate("INSERT INTO consents SELECT p.pkey, s.purpose, s.granted, s.ts, s.source FROM s_consents s JOIN profiles p ON p.profile_id = s.profile_id");
          }
          return null;
        });
      } finally {
        dropStaged();
      }
    }
  }

  /** The choices with their instants truncated to the microseconds the table keeps, so they sort as they will be read. */
  private static List<ConsentRecord> atStoredPrecision(List<ConsentRecord> choices) {
    List<ConsentRecord> out = new ArrayList<>(choices.size());
    for (ConsentRecord c : choices) {
      out.add(new ConsentRecord(c.purpose(), c.granted(), c.at().truncatedTo(ChronoUnit.MICROS), c.source()));
    }
    return out;
  }

  private void dropStaged() {
    try (Statement st = db.conn.createStatement()) {
      st.execute("DROP TABLE IF EXISTS temp.main.s_consents");
    } catch (SQLException ignored) {
      // temporary tables vanish with the connection anyway
    }
  }

  /** One query per 1,000 profiles (bound in an {@code IN} list) instead of one per person: a journey tick reads a chunk's consents at once. */
  @Override
  public Map<String, List<ConsentRecord>> consents(Collection<String> profileIds) {
    Map<String, List<ConsentRecord>> out = new HashMap<>();
    List<String> all = new ArrayList<>(new LinkedHashSet<>(profileIds));
    all.forEach(id -> out.put(id, new ArrayList<>()));
    synchronized (db) {
      try {
        for (int from = 0; from < all.size(); from += 1_000) {
          List<String> part = all.subList(from, Math.min(all.size(), from + 1_000));
          try (PreparedStatement ps = db.conn.prepareStatement("SELECT p.profile_id, c.purpose, c.granted, c.ts, c.source FROM consents c"
              + " JOIN profiles p ON p.pkey = c.pkey WHERE p.profile_id IN (" + String.join(", ", Collections.nCopies(part.size(), "?")) + ")"
              + " ORDER BY p.profile_id, c.ts, c.purpose")) {
            for (int i = 0; i < part.size(); i++) {
              ps.setString(i + 1, part.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.get(rs.getString(1)).add(new ConsentRecord(Purpose.parse(rs.getString(2)), rs.getBoolean(3),
                    rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString(5)));
              }
            }
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the consents of " + all.size() + " profiles: ", e);
      }
    }
  }

  @Override
  public List<ConsentRecord> consents(String profileId) {
    synchronized (db) {
      List<ConsentRecord> out = new ArrayList<>();
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT c.purpose, c.granted, c.ts, c.source FROM consents c JOIN profiles p ON p.pkey = c.pkey"
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
        throw SqlFailures.of("could not read consents: ", e);
      }
    }
  }
}
