package io.segmenta.duckdb;

import io.segmenta.core.realtime.MembershipLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import io.segmenta.core.realtime.MembershipChange;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which segments are real-time, and the history of membership changes they keep (as changes for the feed's stream,
 * and as stays in {@link MembershipIntervals}). Takes the store's lock ({@link Db}) as the store did.
 */
final class MembershipHistory implements MembershipLog {
  private final Db db;
  private final MembershipIntervals intervals;

  MembershipHistory(Db db, MembershipIntervals intervals) {
    this.db = db;
    this.intervals = intervals;
  }

  // ---- real-time segments

  @Override
  public void setRealtime(String segment, boolean realtime) {
    synchronized (db) {
      db.transaction(() -> {
        try (PreparedStatement ps = db.conn.prepareStatement(realtime ? "INSERT OR IGNORE INTO realtime_segments VALUES (?)" : "DELETE FROM realtime_segments WHERE name = ?")) {
          ps.setString(1, segment);
          ps.executeUpdate();
        }
        return null;
      });
    }
  }

  @Override
  public Set<String> realtimeSegments() {
    synchronized (db) {
      Set<String> out = new TreeSet<>();
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery("SELECT r.name FROM realtime_segments r JOIN segments s ON s.name = r.name")) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not list real-time segments: ", e);
      }
    }
  }

  @Override
  public void recordMembershipChanges(List<MembershipChange> changes) {
    synchronized (db) {
      if (changes.isEmpty()) {
        return;
      }
      db.transaction(() -> {
        try (DuckDBAppender a = db.conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "membership_changes")) {
          for (MembershipChange c : changes) {
            a.beginRow().append(c.profileId()).append(c.segment()).append(c.entered()).append(LocalDateTime.ofInstant(c.at(), ZoneOffset.UTC)).append(c.cause()).endRow();
          }
        }
        // The same changes as stays, so real-time and batch segments answer history questions alike.
        intervals.apply(changes);
        return null;
      });
    }
  }

  @Override
  public List<MembershipChange> membershipChanges(String segment, String profileId, Instant since, int limit) {
    synchronized (db) {
      List<MembershipChange> out = new ArrayList<>();
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT profile_id, segment, entered, ts, cause FROM membership_changes WHERE (? IS NULL OR segment = ?)"
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
        throw SqlFailures.of("could not read membership changes: ", e);
      }
    }
  }
}
