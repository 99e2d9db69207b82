package io.segmenta.duckdb;

import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.SegmentDefinition;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Saved segments: one row per name with its rule in canonical text, its description and when it was saved. Unlike the
 * other definitions ({@link JsonDefinitionTable}) a segment has columns of its own, which the real-time table joins.
 * Takes the store's lock ({@link Db}) as the store did.
 */
final class SegmentTable implements Definitions<SegmentDefinition> {
  private final Db db;

  SegmentTable(Db db) {
    this.db = db;
  }

  @Override
  public SegmentDefinition save(SegmentDefinition d) {
    synchronized (db) {
      db.savedSegments = null;
      return db.transaction(() -> {
        try (PreparedStatement ps = db.conn.prepareStatement("INSERT OR REPLACE INTO segments VALUES (?, ?, ?, ?)")) {
          ps.setString(1, d.name());
          ps.setString(2, d.rule());
          ps.setString(3, d.description());
          ps.setObject(4, LocalDateTime.ofInstant(d.updatedAt(), ZoneOffset.UTC));
          ps.executeUpdate();
        }
        return d;
      });
    }
  }

  @Override
  public Optional<SegmentDefinition> find(String name) {
    List<SegmentDefinition> kept = db.savedSegments;
    if (kept != null) {
      return kept.stream().filter(d -> d.name().equals(name)).findFirst();
    }
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT name, rule, description, updated_at FROM segments WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(segmentOf(rs)) : Optional.empty();
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not read segment " + name + ": ", e);
      }
    }
  }

  private static SegmentDefinition segmentOf(ResultSet rs) throws SQLException {
    return new SegmentDefinition(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC));
  }

  /**
   * Kept in {@link Db#savedSegments} until the next save or delete, and returned without the store's lock while kept:
   * every page of the web app keys its background work on the saved segments, and must not wait behind a long query.
   */
  @Override
  public List<SegmentDefinition> all() {
    List<SegmentDefinition> kept = db.savedSegments;
    if (kept != null) {
      return kept;
    }
    synchronized (db) {
      if (db.savedSegments != null) {
        return db.savedSegments;
      }
      db.savedSegments = List.copyOf(read());
      return db.savedSegments;
    }
  }

  private List<SegmentDefinition> read() {
    synchronized (db) {
      List<SegmentDefinition> out = new ArrayList<>();
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery("SELECT name, rule, description, updated_at FROM segments ORDER BY name")) {
        while (rs.next()) {
          out.add(segmentOf(rs));
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not list segments: ", e);
      }
    }
  }

  @Override
  public boolean delete(String name) {
    synchronized (db) {
      db.savedSegments = null;
      return db.transaction(() -> {
        try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM segments WHERE name = ?")) {
          ps.setString(1, name);
          return ps.executeUpdate() > 0;
        }
      });
    }
  }
}
