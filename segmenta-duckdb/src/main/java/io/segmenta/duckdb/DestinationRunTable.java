package io.segmenta.duckdb;

import io.segmenta.core.destination.Run;
import io.segmenta.core.destination.RunHistory;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The history of destination runs in {@code destination_runs}: one row per run with its counts and reason. Examples
 * of a dry run are answered to its caller and not kept: they name profiles.
 */
final class DestinationRunTable implements RunHistory {
  private final Db db;

  DestinationRunTable(Db db) {
    this.db = db;
  }

  static void create(DdlScript s) {
    s.execute("CREATE TABLE IF NOT EXISTS destination_runs(destination VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL,"
        + " finished_at TIMESTAMP NOT NULL, dry_run BOOLEAN NOT NULL, status VARCHAR NOT NULL, members BIGINT NOT NULL,"
        + " added BIGINT NOT NULL, removed BIGINT NOT NULL, failed BIGINT NOT NULL, reason VARCHAR, attempts INTEGER NOT NULL)");
  }

  @Override
  public void record(Run r) {
    synchronized (db) {
      db.transaction(() -> {
        try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO destination_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, r.destination());
          ps.setObject(2, LocalDateTime.ofInstant(r.startedAt(), ZoneOffset.UTC));
          ps.setObject(3, LocalDateTime.ofInstant(r.finishedAt(), ZoneOffset.UTC));
          ps.setBoolean(4, r.dryRun());
          ps.setString(5, r.status().name());
          ps.setLong(6, r.members());
          ps.setLong(7, r.added());
          ps.setLong(8, r.removed());
          ps.setLong(9, r.failed());
          ps.setString(10, r.reason());
          ps.setInt(11, r.attempts());
          ps.executeUpdate();
        }
        return null;
      });
    }
  }

  @Override
  public List<Run> runs(String destination, int limit) {
    synchronized (db) {
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT started_at, finished_at, dry_run, status, members, added, removed,"
          + " failed, reason, attempts FROM destination_runs WHERE destination = ? ORDER BY started_at DESC, finished_at DESC LIMIT ?")) {
        ps.setString(1, destination);
        ps.setInt(2, Math.max(0, limit));
        List<Run> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Run(destination, rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getBoolean(3), Run.Status.valueOf(rs.getString(4)),
                rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getInt(10), List.of(), List.of()));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the runs of destination " + destination + ": ", e);
      }
    }
  }
}
