package io.segmenta.duckdb;

import io.segmenta.core.port.ViolationLog;
import io.segmenta.core.port.Violation;
import io.segmenta.core.port.ViolationCount;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of fields that did not fit the schema (lenient tracking), once per batch key. Takes the store's lock ({@link Db}) as the store did.
 */
final class ViolationTable implements ViolationLog {
  private final Db db;

  ViolationTable(Db db) {
    this.db = db;
  }

  @Override
  public void recordViolations(String source, List<Violation> violations, Instant at, String batch) {
    synchronized (db) {
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
      db.transaction(() -> {
        if (batch != null) {
          // A batch counts once: replaying a journal record that was applied before a crash must not count it again.
          // Keys older than a week go: a journal holds only what was not yet applied, never that old.
          LocalDateTime seen = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
          try (PreparedStatement del = db.conn.prepareStatement("DELETE FROM violation_batches WHERE seen_at < ?");
              PreparedStatement ins = db.conn.prepareStatement("INSERT INTO violation_batches VALUES (?, ?) ON CONFLICT (key) DO NOTHING")) {
            del.setObject(1, seen.minusDays(7));
            del.executeUpdate();
            ins.setString(1, batch);
            ins.setObject(2, seen);
            if (ins.executeUpdate() == 0) {
              return null;
            }
          }
        }
        try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO violations VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, event_type, field, expected)"
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
  }

  @Override
  public List<ViolationCount> violations(String source, int limit) {
    synchronized (db) {
      List<ViolationCount> out = new ArrayList<>();
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT source, event_type, field, expected, count, example, first_seen, last_seen FROM violations"
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
        throw SqlFailures.of("could not read the violations: ", e);
      }
      return out;
    }
  }
}
