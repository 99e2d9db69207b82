package io.segmenta.bench;

import io.segmenta.core.history.History;
import io.segmenta.core.history.Recomputed;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Membership history on the 1M-customer shop (built by {@link SegmentBench}): daily recomputes of the twenty segments
 * of {@link ValueBench} as of consecutive days (each day's rule sees that day's events, so windows move and people
 * come and go), stored as enter and exit intervals; against the peer a daily snapshot would store (every member of
 * every segment every day: the same members, rebuilt from the intervals, so both hold the same information). Storage
 * is measured by copying each table into a fresh DuckDB file of its own; the time of a recompute against the time of
 * writing that day's snapshot rows.
 *
 * <pre>java -Xmx12g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.HistoryBench --data-dir /tmp/bench-1m --days 30 --last 2025-06-30</pre>
 */
public final class HistoryBench {
  private HistoryBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "target/bench-1000000"));
    int days = Integer.parseInt(SegmentBench.arg(args, "--days", "30"));
    LocalDate last = LocalDate.parse(SegmentBench.arg(args, "--last", "2025-06-30"));
    StoreConfig config = StoreConfig.resolve(dir, SegmentBench.arg(args, "--memory-limit", "8GB"), Runtime.getRuntime().availableProcessors(), Map.of());
    long profiles;
    long recomputeMs = 0;
    long changes = 0;
    try (Store store = DuckDb.open(config)) {
      profiles = store.profiles().stats().profiles();
      Instant t = Clock.systemUTC().instant();
      for (ValueBench.Segment s : ValueBench.segments()) {
        store.segmentDefinitions().save(new SegmentDefinition("h-" + s.name(), RuleText.print(RuleText.parseRule(s.rule())), "", t));
      }
      History history = new History(store.segmentDefinitions(), store.membership(), store.history());
      for (int d = days - 1; d >= 0; d--) {
        long start = System.nanoTime();
        List<Recomputed> runs = history.recompute(History.endOf(last.minusDays(d)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        long moved = d == days - 1 ? 0 : runs.stream().mapToLong(r -> r.entered() + r.left()).sum();
        long members = runs.stream().mapToLong(Recomputed::members).sum();
        System.out.printf("day %s: recompute %,d ms, %,d members in 20 segments, %,d entered or left%n", last.minusDays(d), ms, members, moved);
        if (d != days - 1) {
          recomputeMs += ms;
          changes += moved;
        }
      }
    }
    // The peer: what daily snapshots of the same days would hold, each table measured in a file of its own.
    Path intervalsFile = dir.resolve("bench-intervals.duckdb");
    Path snapshotsFile = dir.resolve("bench-snapshots.duckdb");
    Files.deleteIfExists(intervalsFile);
    Files.deleteIfExists(snapshotsFile);
    long intervalRows;
    long snapshotRows;
    long snapshotMs;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + config.databaseFile()); Statement st = c.createStatement()) {
      st.execute("ATTACH '" + intervalsFile + "' AS iv");
      st.execute("CREATE TABLE iv.membership_intervals AS SELECT * FROM membership_intervals WHERE segment LIKE 'h-%'");
      st.execute("DETACH iv");
      st.execute("ATTACH '" + snapshotsFile + "' AS sn");
      st.execute("CREATE TABLE sn.snapshots(day DATE NOT NULL, segment VARCHAR NOT NULL, pkey BIGINT NOT NULL)");
      long start = System.nanoTime();
      try (ResultSet rs = st.executeQuery("SELECT DISTINCT run_at FROM history_runs WHERE segment LIKE 'h-%' ORDER BY run_at")) {
        List<Timestamp> runs = new ArrayList<>();
        while (rs.next()) {
          runs.add(rs.getTimestamp(1));
        }
        for (Timestamp r : runs) {
          st.execute("INSERT INTO sn.snapshots SELECT CAST(TIMESTAMP '" + r + "' AS DATE), segment, pkey FROM membership_intervals WHERE segment LIKE 'h-%'"
              + " AND entered <= TIMESTAMP '" + r + "' AND (left_at IS NULL OR left_at > TIMESTAMP '" + r + "')");
        }
      }
      snapshotMs = (System.nanoTime() - start) / 1_000_000;
      snapshotRows = scalar(st, "SELECT count(*) FROM sn.snapshots");
      st.execute("DETACH sn");
      intervalRows = scalar(st, "SELECT count(*) FROM membership_intervals WHERE segment LIKE 'h-%'");
    }
    long ivBytes = Files.size(intervalsFile);
    long snBytes = Files.size(snapshotsFile);
    System.out.printf("%,d profiles, %d days, 20 segments%n", profiles, days);
    System.out.printf("intervals: %,d rows, %,d bytes; daily snapshots: %,d rows, %,d bytes (%.1fx the intervals)%n", intervalRows, ivBytes,
        snapshotRows, snBytes, (double) snBytes / ivBytes);
    System.out.printf("after the first day: %,d changes over %d days (%,.0f a day); recompute %,.0f ms a day (the 20 rules evaluated and the"
        + " difference recorded); writing a day's snapshot rows %,.0f ms a day (rules not included)%n", changes, days - 1, changes / (double) (days - 1),
        recomputeMs / (double) (days - 1), snapshotMs / (double) days);
    Files.deleteIfExists(intervalsFile);
    Files.deleteIfExists(snapshotsFile);
  }

  private static long scalar(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
