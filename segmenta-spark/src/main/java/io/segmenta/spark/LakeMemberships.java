package io.segmenta.spark;

import io.segmenta.core.history.Recomputed;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A saved segment recomputed on the lake: its members at an instant replace {@code memberships/<segment>/}, and
 * {@code history/<segment>/} keeps its stays as enter and exit intervals, as the embedded store's membership history
 * does (docs/history.md): the members not in an open stay enter at the instant, the open stays of profiles no
 * longer in close at it, closed stays are kept. The previous membership is read from the open stays, so the diff
 * is one join on the cluster; only its counts (and the changes, when a caller wants them for the embedded store)
 * come back to the driver.
 */
final class LakeMemberships {
  private static final String STAYS_COLUMNS = "profile_id STRING, pkey BIGINT, entered_at TIMESTAMP_NTZ, left_at TIMESTAMP_NTZ";

  private LakeMemberships() {}

  static Recomputed write(SparkLake lake, SparkAudiences audiences, String segment, Rule rule, Instant asOf, Consumer<MembershipChange> changes) {
    if (!segment.matches("[a-z0-9][a-z0-9_-]*")) {
      throw new IllegalArgumentException("segment: not a saved segment's name: '" + segment + "'");
    }
    SparkSession session = lake.session();
    String at = SparkLiterals.literal(LocalDateTime.ofInstant(asOf, ZoneOffset.UTC));
    Path members = lake.dir().resolve("memberships").resolve(segment);
    Path history = lake.dir().resolve("history").resolve(segment);

    Path stagedMembers = LakeDirectories.staging(lake.dir(), members);
    audiences.memberRows(rule, asOf).selectExpr("profile_id", "pkey", at + " AS as_of").write().parquet(stagedMembers.toString());
    session.read().parquet(stagedMembers.toString()).createOrReplaceTempView("_members");
    Dataset<Row> stays = Files.isDirectory(history) ? session.read().parquet(history.toString()) : session.createDataFrame(List.<Row>of(), StructType.fromDDL(STAYS_COLUMNS));
    stays.createOrReplaceTempView("_stays");
    session.sql("SELECT profile_id, pkey FROM _stays WHERE left_at IS NULL").createOrReplaceTempView("_open");

    Path stagedHistory = LakeDirectories.staging(lake.dir(), history);
    session.sql("SELECT profile_id, pkey, entered_at, left_at FROM _stays WHERE left_at IS NOT NULL"
        + " UNION ALL SELECT s.profile_id, s.pkey, s.entered_at, CASE WHEN m.profile_id IS NULL THEN " + at + " END FROM _stays s"
        + " LEFT JOIN _members m ON m.profile_id = s.profile_id WHERE s.left_at IS NULL"
        + " UNION ALL SELECT m.profile_id, m.pkey, " + at + ", CAST(NULL AS TIMESTAMP_NTZ) FROM _members m LEFT ANTI JOIN _open o ON o.profile_id = m.profile_id")
        .write().parquet(stagedHistory.toString());

    Dataset<Row> diff = session.sql("SELECT m.profile_id, true AS entered FROM _members m LEFT ANTI JOIN _open o ON o.profile_id = m.profile_id"
        + " UNION ALL SELECT o.profile_id, false FROM _open o LEFT ANTI JOIN _members m ON m.profile_id = o.profile_id");
    long entered = 0;
    long left = 0;
    for (Row r : diff.groupBy("entered").count().collectAsList()) {
      if (r.getBoolean(0)) {
        entered = r.getLong(1);
      } else {
        left = r.getLong(1);
      }
    }
    if (changes != null) {
      Iterator<Row> it = diff.orderBy("profile_id").toLocalIterator();
      while (it.hasNext()) {
        Row r = it.next();
        changes.accept(new MembershipChange(r.getString(0), segment, r.getBoolean(1), asOf, "time"));
      }
    }
    long size = session.sql("SELECT count(*) FROM _members").first().getLong(0);
    LakeDirectories.swap(stagedMembers, members);
    LakeDirectories.swap(stagedHistory, history);
    return new Recomputed(segment, asOf, size, entered, left);
  }
}
