package io.segmenta.duckdb;

import io.segmenta.core.campaign.Campaign;
import io.segmenta.core.campaign.json.CampaignJson;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.json.DestinationJson;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.json.JourneyJson;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.personalize.json.PlacementJson;
import io.segmenta.core.port.Definitions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Definitions kept as their canonical JSON, one row per key, in a table of the shape {@code (key, definition,
 * updated_at)}: experiments and placements now, journeys and destinations later (a new kind is a {@link Kind} and a
 * table of that shape). Takes the store's lock ({@link Db}) as the store did.
 */
final class JsonDefinitionTable<T> implements Definitions<T> {

  /** A kind of definition: its table, its key, and its canonical JSON both ways. */
  record Kind<T>(String table, Function<T, String> key, Function<T, String> print, Function<String, T> parse) {}

  static final Kind<Experiment> EXPERIMENTS = new Kind<>("experiments", Experiment::key, ExperimentJson::print, ExperimentJson::parse);
  static final Kind<Journey> JOURNEYS = new Kind<>("journeys", Journey::key, JourneyJson::print, JourneyJson::parse);
  static final Kind<Destination> DESTINATIONS = new Kind<>("destinations", Destination::key, DestinationJson::print, DestinationJson::parse);
  static final Kind<Campaign> CAMPAIGNS = new Kind<>("campaigns", Campaign::key, CampaignJson::print, CampaignJson::parse);
  static final Kind<Placement> PLACEMENTS = new Kind<>("placements", Placement::key, PlacementJson::print, PlacementJson::parse);

  private final Db db;
  private final Kind<T> kind;
  /** Stamps {@code updated_at}: the store's clock (the server's, when it opened the store). */
  private final Clock clock;
  /**
   * Every definition in key order as {@link #all()} last read it, until the next save or delete (null: read again).
   * Kept so that pages and the decision API list definitions without waiting for the store's lock behind a long query.
   */
  private volatile List<T> kept;

  JsonDefinitionTable(Db db, Kind<T> kind, Clock clock) {
    this.db = db;
    this.kind = kind;
    this.clock = clock;
  }

  @Override
  public T save(T definition) {
    String key = kind.key().apply(definition);
    String json = kind.print().apply(definition);
    synchronized (db) {
      kept = null;
      db.transaction(() -> {
        try (PreparedStatement ps = db.conn.prepareStatement("INSERT OR REPLACE INTO " + kind.table() + " VALUES (?, ?, ?)")) {
          ps.setString(1, key);
          ps.setString(2, json);
          ps.setObject(3, LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
          ps.executeUpdate();
        }
        return null;
      });
      return definition;
    }
  }

  @Override
  public Optional<T> find(String key) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT definition FROM " + kind.table() + " WHERE key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(kind.parse().apply(rs.getString(1))) : Optional.empty();
        }
      } catch (SQLException e) {
        throw SqlFailures.of("could not read " + key + " from " + kind.table() + ": ", e);
      }
    }
  }

  @Override
  public List<T> all() {
    List<T> k = kept;
    if (k != null) {
      return k;
    }
    synchronized (db) {
      if (kept == null) {
        kept = List.copyOf(read());
      }
      return kept;
    }
  }

  private List<T> read() {
    synchronized (db) {
      List<T> out = new ArrayList<>();
      try (Statement st = db.conn.createStatement(); ResultSet rs = st.executeQuery("SELECT definition FROM " + kind.table() + " ORDER BY key")) {
        while (rs.next()) {
          out.add(kind.parse().apply(rs.getString(1)));
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not list " + kind.table() + ": ", e);
      }
    }
  }

  @Override
  public boolean delete(String key) {
    synchronized (db) {
      kept = null;
      return db.transaction(() -> {
        try (PreparedStatement ps = db.conn.prepareStatement("DELETE FROM " + kind.table() + " WHERE key = ?")) {
          ps.setString(1, key);
          return ps.executeUpdate() > 0;
        }
      });
    }
  }
}
