package io.segmenta.spark;

import io.segmenta.core.UserException;
import io.segmenta.core.history.Recomputed;
import io.segmenta.core.lake.Lake;
import io.segmenta.core.pnl.SegmentValue;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rfm.Rfm;
import io.segmenta.core.rfm.RfmGroups;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.AsOfDefault;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/**
 * Segmenta as a Spark application (docs/spark.md): {@code spark-submit --class io.segmenta.spark.SparkJob
 * segmenta-spark-app.jar COMMAND --lake DIR ...} with the commands {@code count} (rules or saved segments),
 * {@code export} (members as Parquet), {@code rfm} (scores and rfm-* segments into the lake), {@code value} (the
 * segment P&amp;L with overlaps) and {@code recompute} (memberships and their history into the lake). Results are
 * tab-separated lines on standard output; a mistake is one line on standard error and exit code 2. The session is
 * spark-submit's (its master and settings); the lake's SQL settings are set per session by {@link SparkLake}.
 */
public final class SparkJob {
  private final PrintStream out;
  private final Clock clock;

  SparkJob(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    JobArguments a;
    try {
      a = JobArguments.parse(args);
    } catch (UserException e) {
      System.err.println("segmenta-spark: " + e.getMessage());
      System.exit(2);
      return;
    }
    SparkSession spark = SparkSession.builder().appName("segmenta " + a.command()).config("spark.sql.session.timeZone", "UTC").getOrCreate();
    int code = 0;
    try (Lake lake = new SparkLakeEngine().open(spark.sparkContext().master(), Path.of(a.option("lake", ".")))) {
      new SparkJob(out, Clock.systemUTC()).run(a, lake);
    } catch (UserException e) {
      System.err.println("segmenta-spark: " + e.getMessage());
      code = 2;
    } finally {
      spark.stop();
    }
    if (code != 0) {
      System.exit(code);
    }
  }

  void run(JobArguments a, Lake lake) {
    Segments segments = new Segments(lake.catalog(), lake.segmentDefinitions(), lake.scores(), clock);
    Instant asOf = asOf(a.option("as-of", null), lake);
    out.println("as_of\t" + asOf);
    switch (a.command()) {
      case "count" -> {
        if (a.rest().isEmpty()) {
          throw new UserException("count needs RULE or a saved segment's name");
        }
        for (String r : a.rest()) {
          out.println(r + "\t" + lake.audiences().run(new AudienceQuery.Count(segments.ruleOf(r), asOf)));
        }
      }
      case "export" -> {
        if (a.rest().size() != 1 || !a.options().containsKey("output")) {
          throw new UserException("export needs one RULE and --output DIR");
        }
        List<String> traits = a.option("traits", "").isBlank() ? List.of() : List.of(a.option("traits", "").split(","));
        long n = lake.exportMembers(segments.ruleOf(a.rest().get(0)), asOf, traits, Purpose.parse(a.option("purpose", "analytics")), Path.of(a.option("output", "")));
        out.println("exported\t" + n);
      }
      case "rfm" -> {
        Rfm.Result r = Rfm.score(lake.audiences(), lake.scores(), asOf, Rfm.Spec.over(a.option("period", "")), segments, clock);
        Map<String, Long> sizes = new TreeMap<>();
        RfmGroups.NAMES.forEach(g -> sizes.put(g, 0L));
        r.rows().forEach(row -> sizes.merge(row.group(), 1L, Long::sum));
        out.println("scored\t" + r.rows().size());
        sizes.forEach((g, n) -> out.println(RfmGroups.segmentName(g) + "\t" + n));
      }
      case "value" -> value(a, lake, segments, asOf);
      case "recompute" -> {
        List<String> names = a.rest().isEmpty() ? lake.segmentDefinitions().all().stream().map(SegmentDefinition::name).toList() : a.rest();
        for (String name : names) {
          if (lake.segmentDefinitions().find(name).isEmpty()) {
            throw segments.unknownSegment(name);
          }
          Recomputed r = lake.writeMembership(name, segments.ruleOf(name), asOf, null);
          out.println(r.segment() + "\t" + r.members() + "\t+" + r.entered() + "\t-" + r.left());
        }
      }
      default -> throw new IllegalStateException("command: " + a.command());
    }
  }

  private void value(JobArguments a, Lake lake, Segments segments, Instant asOf) {
    Map<String, Rule> rules = new LinkedHashMap<>();
    List<String> names = a.rest().isEmpty() ? lake.segmentDefinitions().all().stream().map(SegmentDefinition::name).toList() : a.rest();
    if (names.isEmpty()) {
      throw new UserException("value needs segments: name them, or save some in the lake's segments/");
    }
    names.forEach(n -> rules.put(n, segments.ruleOf(n)));
    String window = a.option("window", "in last 365 days");
    SegmentValue.Report r = SegmentValue.analyse(lake.audiences(), lake.scores(), asOf, rules,
        SegmentValue.Options.standard().withWindow(window.equals("all") ? "" : window));
    out.println("segment\tmembers\tcustomer_share\tnet_revenue\treturn_rate\taverage_order_value\trevenue_share\tindex\tflags");
    List<SegmentValue.Worth> all = new ArrayList<>(r.segments());
    all.add(r.everyone());
    for (SegmentValue.Worth w : all) {
      out.println(String.join("\t", w.name(), Long.toString(w.members()), number(w.customerShare()), number(w.netRevenue()), number(w.returnRate()),
          number(w.averageOrderValue()), number(w.revenueShare()), number(w.index()),
          String.join(" ", w.flags().stream().map(f -> f.kind().name().toLowerCase(Locale.ROOT)).toList())));
    }
    for (int i = 0; i < r.overlap().names().size(); i++) {
      for (int j = i + 1; j < r.overlap().names().size(); j++) {
        out.println("overlap\t" + r.overlap().names().get(i) + "\t" + r.overlap().names().get(j) + "\t" + r.overlap().both()[i][j] + "\t"
            + number(r.overlap().jaccard()[i][j]));
      }
    }
  }

  private static String number(double d) {
    return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6f", d) : "";
  }

  /** A date (its end, UTC), an ISO instant, latest, now; none: now, or the newest event when the lake's data ends over 30 days ago. */
  private Instant asOf(String text, Lake lake) {
    Instant now = clock.instant();
    if (text == null) {
      return AsOfDefault.of(now, lake.lastEvent().orElse(null));
    }
    if (text.equals("now")) {
      return now;
    }
    if (text.equals("latest")) {
      return lake.lastEvent().orElse(now);
    }
    try {
      return AsOfDefault.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }
}
