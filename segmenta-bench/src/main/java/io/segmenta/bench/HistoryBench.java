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
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Membership history over a year of daily recomputes (issue 18: "growth is bounded"): the twenty segments of
 * {@link ValueBench} recomputed as of consecutive days on a shop built by {@link SegmentBench} (each day's rules see
 * only that day's events, so windows move and people come and go), stored as enter and exit intervals (stays);
 * against the peer, the daily snapshots the same days would store (every member of every segment every day, rebuilt
 * from the stays, so both hold the same information). Every {@code --every} days (and on the last) both are measured
 * as they stood that day, each copied into a fresh DuckDB file of its own: the stays with stays that had not yet
 * closed then left open, the snapshots up to that day. Time per day: the recompute (rules evaluated and the
 * difference written) against writing that day's snapshot rows (rules not included), both printed per day and
 * summarised by month.
 *
 * <p>A year at 1M customers takes hours (a recompute was 21-59 s a day on a busy machine); a year at 20,000
 * customers takes minutes:
 * <pre>java -Xmx4g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.HistoryBench --data-dir /tmp/history-20k --days 365 --every 30 --last 2025-06-30</pre>
 */
public final class HistoryBench {
  private HistoryBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "target/bench-1000000"));
    int days = Integer.parseInt(SegmentBench.arg(args, "--days", "365"));
    int every = Integer.parseInt(SegmentBench.arg(args, "--every", "30"));
    LocalDate last = LocalDate.parse(SegmentBench.arg(args, "--last", "2025-06-30"));
    if (days < 2 || every < 1) {
      throw new IllegalArgumentException("--days must be at least 2 and --every at least 1, got " + days + " and " + every);
    }
    StoreConfig config = StoreConfig.resolve(dir, SegmentBench.arg(args, "--memory-limit", "8GB"), Runtime.getRuntime().availableProcessors(), Map.of());
    long profiles;
    long[] recomputeMs = new long[days];
    long[] moved = new long[days];
    try (Store store = DuckDb.open(config)) {
      profiles = store.profiles().stats().profiles();
      Instant t = Clock.systemUTC().instant();
      for (ValueBench.Segment s : ValueBench.segments()) {
        store.segmentDefinitions().save(new SegmentDefinition("h-" + s.name(), RuleText.print(RuleText.parseRule(s.rule())), "", t));
      }
      History history = new History(store.segmentDefinitions(), store.membership(), store.history());
      for (int i = 0; i < days; i++) {
        LocalDate day = last.minusDays(days - 1 - i);
        long start = System.nanoTime();
        List<Recomputed> runs = history.recompute(History.endOf(day));
        recomputeMs[i] = (System.nanoTime() - start) / 1_000_000;
        moved[i] = i == 0 ? 0 : runs.stream().mapToLong(r -> r.entered() + r.left()).sum();
        long members = runs.stream().mapToLong(Recomputed::members).sum();
        System.out.printf("day %s: recompute %,d ms, %,d members in 20 segments, %,d entered or left%n", day, recomputeMs[i], members, moved[i]);
      }
    }
    // The peer, day by day: that day's snapshot rows appended (timed), and at each checkpoint both measured as they
    // stood that day, each in a file of its own.
    Path intervalsFile = dir.resolve("bench-intervals.duckdb");
    Path snapshotsFile = dir.resolve("bench-snapshots.duckdb");
    Files.deleteIfExists(snapshotsFile);
    long[] snapshotMs = new long[days];
    List<String> checkpoints = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + config.databaseFile()); Statement st = c.createStatement()) {
      st.execute("ATTACH '" + snapshotsFile + "' AS sn");
      st.execute("CREATE TABLE sn.snapshots(day DATE NOT NULL, segment VARCHAR NOT NULL, pkey BIGINT NOT NULL)");
      List<Timestamp> runs = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT DISTINCT run_at FROM history_runs WHERE segment LIKE 'h-%' ORDER BY run_at")) {
        while (rs.next()) {
          runs.add(rs.getTimestamp(1));
        }
      }
      if (runs.size() != days) {
        throw new IllegalStateException("expected " + days + " recomputes in history_runs, found " + runs.size() + ": use a fresh copy of the shop");
      }
      for (int i = 0; i < days; i++) {
        String r = "TIMESTAMP '" + runs.get(i) + "'";
        long start = System.nanoTime();
        st.execute("INSERT INTO sn.snapshots SELECT CAST(" + r + " AS DATE), segment, pkey FROM membership_intervals WHERE segment LIKE 'h-%'"
            + " AND entered <= " + r + " AND (left_at IS NULL OR left_at > " + r + ")");
        snapshotMs[i] = (System.nanoTime() - start) / 1_000_000;
        if ((i + 1) % every == 0 || i == days - 1) {
          st.execute("CHECKPOINT sn");
          long snRows = scalar(st, "SELECT count(*) FROM sn.snapshots");
          long snBytes = Files.size(snapshotsFile);
          Files.deleteIfExists(intervalsFile);
          st.execute("ATTACH '" + intervalsFile + "' AS iv");
          st.execute("CREATE TABLE iv.membership_intervals AS SELECT segment, pkey, entered,"
              + " CASE WHEN left_at <= " + r + " THEN left_at END AS left_at, enter_cause,"
              + " CASE WHEN left_at <= " + r + " THEN exit_cause END AS exit_cause"
              + " FROM membership_intervals WHERE segment LIKE 'h-%' AND entered <= " + r);
          long ivRows = scalar(st, "SELECT count(*) FROM iv.membership_intervals");
          st.execute("DETACH iv");
          long ivBytes = Files.size(intervalsFile);
          checkpoints.add(String.format("| %d | %s | %,d | %,d | %,d | %,d | %.1fx |", i + 1, runs.get(i).toLocalDateTime().toLocalDate(), ivRows,
              ivBytes, snRows, snBytes, (double) snBytes / ivBytes));
          System.out.println(checkpoints.get(checkpoints.size() - 1));
        }
      }
      st.execute("DETACH sn");
    }
    System.out.printf("%n%,d profiles, %d days, 20 segments%n", profiles, days);
    System.out.println("| days | as of | stays rows | stays bytes | snapshot rows | snapshot bytes | snapshots / stays |");
    System.out.println("|---|---|---|---|---|---|---|");
    checkpoints.forEach(System.out::println);
    System.out.println();
    System.out.println("| month | days | changes a day | recompute ms a day (median) | snapshot write ms a day (median) |");
    System.out.println("|---|---|---|---|---|");
    for (int from = 0; from < days; from += 30) {
      int to = Math.min(days, from + 30);
      int first = Math.max(1, from);
      long ch = 0;
      for (int i = first; i < to; i++) {
        ch += moved[i];
      }
      System.out.printf("| %d | %d-%d | %,.0f | %,d | %,d |%n", from / 30 + 1, from + 1, to, to > first ? ch / (double) (to - first) : 0.0,
          median(recomputeMs, first, to), median(snapshotMs, from, to));
    }
    long ch = 0;
    for (int i = 1; i < days; i++) {
      ch += moved[i];
    }
    System.out.printf("after the first day: %,d changes over %d days (%,.0f a day); recompute median %,d ms a day, snapshot write median %,d ms a day;"
        + " first day's recompute %,d ms%n", ch, days - 1, ch / (double) (days - 1), median(recomputeMs, 1, days), median(snapshotMs, 0, days), recomputeMs[0]);
    Files.deleteIfExists(intervalsFile);
    Files.deleteIfExists(snapshotsFile);
  }

  private static long median(long[] xs, int from, int to) {
    if (to <= from) {
      return 0;
    }
    long[] v = Arrays.copyOfRange(xs, from, to);
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static long scalar(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
