package io.segmenta.duckdb;

import io.segmenta.core.review.Alert;
import io.segmenta.core.review.AlertLog;
import io.segmenta.core.review.Finding;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The review's alerts ({@code review_alerts}), one per segment, reason and UTC day. Takes the store's lock ({@link Db}). */
final class AlertTable implements AlertLog {
  private final Db db;

  AlertTable(Db db) {
    this.db = db;
  }

  static void create(DdlScript s) {
    s.execute("CREATE TABLE IF NOT EXISTS review_alerts(raised_at TIMESTAMP NOT NULL, segment VARCHAR NOT NULL, reason VARCHAR NOT NULL, detail VARCHAR NOT NULL)");
  }

  @Override
  public List<Alert> raise(List<Alert> alerts) {
    synchronized (db) {
      return db.transaction(() -> {
        List<Alert> kept = new ArrayList<>();
        try (PreparedStatement ps = db.conn.prepareStatement("INSERT INTO review_alerts SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM review_alerts"
            + " WHERE segment = ? AND reason = ? AND CAST(raised_at AS DATE) = CAST(CAST(? AS TIMESTAMP) AS DATE))")) {
          for (Alert a : alerts) {
            LocalDateTime t = LocalDateTime.ofInstant(a.at(), ZoneOffset.UTC);
            ps.setObject(1, t);
            ps.setString(2, a.segment());
            ps.setString(3, a.reason().name());
            ps.setString(4, a.detail());
            ps.setString(5, a.segment());
            ps.setString(6, a.reason().name());
            ps.setObject(7, t);
            if (ps.executeUpdate() > 0) {
              kept.add(a);
            }
          }
        }
        return kept;
      });
    }
  }

  @Override
  public List<Alert> alerts(Instant since, int limit) {
    synchronized (db) {
      List<Alert> out = new ArrayList<>();
      try (PreparedStatement ps = db.conn.prepareStatement("SELECT raised_at, segment, reason, detail FROM review_alerts WHERE raised_at >= ?"
          + " ORDER BY raised_at DESC, segment, reason LIMIT ?")) {
        ps.setObject(1, LocalDateTime.ofInstant(since, ZoneOffset.UTC));
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Alert(rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString(2), Finding.Reason.valueOf(rs.getString(3)),
                rs.getString(4)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw SqlFailures.of("could not read the review alerts: ", e);
      }
    }
  }
}
