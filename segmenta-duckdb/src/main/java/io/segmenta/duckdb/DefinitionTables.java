package io.segmenta.duckdb;

import io.segmenta.core.port.Definitions;
import io.segmenta.core.StoreException;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.json.ExperimentJson;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.personalize.json.PlacementJson;

/**
 * The definition tables: segments (name, rule, description) and experiments and placements (canonical JSON by key). Takes the store's lock ({@link Db}) as the store did.
 */
final class DefinitionTables {
  private final Db db;

  DefinitionTables(Db db) {
    this.db = db;
  }

  Definitions<SegmentDefinition> segmentDefinitions() {
    return new Definitions<>() {
      @Override
      public SegmentDefinition save(SegmentDefinition d) {
        return saveSegment(d);
      }

      @Override
      public Optional<SegmentDefinition> find(String key) {
        return segment(key);
      }

      @Override
      public List<SegmentDefinition> all() {
        return segments();
      }

      @Override
      public boolean delete(String key) {
        return deleteSegment(key);
      }
    };
  }

  Definitions<Experiment> experimentDefinitions() {
    return new Definitions<>() {
      @Override
      public Experiment save(Experiment d) {
        return saveExperiment(d);
      }

      @Override
      public Optional<Experiment> find(String key) {
        return experiment(key);
      }

      @Override
      public List<Experiment> all() {
        return experiments();
      }

      @Override
      public boolean delete(String key) {
        return deleteExperiment(key);
      }
    };
  }

  Definitions<Placement> placementDefinitions() {
    return new Definitions<>() {
      @Override
      public Placement save(Placement d) {
        return savePlacement(d);
      }

      @Override
      public Optional<Placement> find(String key) {
        return placement(key);
      }

      @Override
      public List<Placement> all() {
        return placements();
      }

      @Override
      public boolean delete(String key) {
        return deletePlacement(key);
      }
    };
  }

  // ---- segments

  public SegmentDefinition saveSegment(SegmentDefinition d) {
    synchronized (db) {
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

  public Optional<SegmentDefinition> segment(String name) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT name, rule, description, updated_at FROM segments WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(segmentOf(rs)) : Optional.empty();
        }
      } catch (SQLException e) {
        throw new StoreException("could not read segment " + name + ": " + e.getMessage(), e);
      }
    }
  }

  private static SegmentDefinition segmentOf(ResultSet rs) throws SQLException {
    return new SegmentDefinition(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDateTime.class).toInstant(ZoneOffset.UTC));
  }

  public List<SegmentDefinition> segments() {
    synchronized (db) {
      List<SegmentDefinition> out = new ArrayList<>();
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery("SELECT name, rule, description, updated_at FROM segments ORDER BY name")) {
        while (rs.next()) {
          out.add(segmentOf(rs));
        }
        return out;
      } catch (SQLException e) {
        throw new StoreException("could not list segments: " + e.getMessage(), e);
      }
    }
  }

  public boolean deleteSegment(String name) {
    synchronized (db) {
      return db.transaction(() -> {
        try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM segments WHERE name = ?")) {
          ps.setString(1, name);
          return ps.executeUpdate() > 0;
        }
      });
    }
  }

  // ---- experiments

  public Experiment saveExperiment(Experiment e) {
    synchronized (db) {
      saveDefinition("experiments", e.key(), ExperimentJson.print(e));
      return e;
    }
  }

  public Optional<Experiment> experiment(String key) {
    synchronized (db) {
      return definition("experiments", key).map(ExperimentJson::parse);
    }
  }

  public List<Experiment> experiments() {
    synchronized (db) {
      return definitions("experiments").stream().map(ExperimentJson::parse).toList();
    }
  }

  public boolean deleteExperiment(String key) {
    synchronized (db) {
      return deleteDefinition("experiments", key);
    }
  }

  // ---- placements

  public Placement savePlacement(Placement p) {
    synchronized (db) {
      saveDefinition("placements", p.key(), PlacementJson.print(p));
      return p;
    }
  }

  public Optional<Placement> placement(String key) {
    synchronized (db) {
      return definition("placements", key).map(PlacementJson::parse);
    }
  }

  public List<Placement> placements() {
    synchronized (db) {
      return definitions("placements").stream().map(PlacementJson::parse).toList();
    }
  }

  public boolean deletePlacement(String key) {
    synchronized (db) {
      return deleteDefinition("placements", key);
    }
  }

  // Experiments and placements are kept as their canonical JSON, one row per key, in tables of the same shape.

  private void saveDefinition(String table, String key, String json) {
    db.transaction(() -> {
      try (PreparedStatement ps = db.conn.prepareStatement("INSERT OR REPLACE INTO " + table + " VALUES (?, ?, ?)")) {
        ps.setString(1, key);
        ps.setString(2, json);
        ps.setObject(3, LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC));
        ps.executeUpdate();
      }
      return null;
    });
  }

  private Optional<String> definition(String table, String key) {
    try (PreparedStatement ps = db.conn.prepareStatement("SELECT definition FROM " + table + " WHERE key = ?")) {
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
    try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery("SELECT definition FROM " + table + " ORDER BY key")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not list " + table + ": " + e.getMessage(), e);
    }
  }

  private boolean deleteDefinition(String table, String key) {
    return db.transaction(() -> {
      try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM " + table + " WHERE key = ?")) {
        ps.setString(1, key);
        return ps.executeUpdate() > 0;
      }
    });
  }
}
