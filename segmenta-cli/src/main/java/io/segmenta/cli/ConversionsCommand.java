package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.conversion.Conversions;
import io.segmenta.core.store.Store;
import io.segmenta.core.conversion.ConversionsJson;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Numbers;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import io.segmenta.core.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "conversions", mixinStandardHelpOptions = true,
    description = {"Conversion rate per segment over time, and which segments produce the conversions (share of converters",
        "against share of customers). A segment's members are taken at each period's start."})
final class ConversionsCommand extends ReportCommand implements Callable<Integer> {
  @Option(names = "--goal", defaultValue = "count(order) >= 1", description = "The goal, a condition on one aggregate (default: count(order) >= 1).")
  String goal;

  @Option(names = "--by", paramLabel = "SEGMENT", description = "A saved segment or a rule (repeatable); with none, every saved segment.")
  List<String> by = new ArrayList<>();

  @Option(names = "--from", required = true, description = "First day (or instant) of the range.")
  String from;

  @Option(names = "--to", description = "End of the range, exclusive (default: just after --as-of, so the as-of instant is included).")
  String to;

  @Option(names = "--period", defaultValue = "month", description = "day, week or month (default month).")
  String period;

  @Mixin
  EngineOptions engine;

  @Override
  public Integer call() {
    Conversions.Period p;
    try {
      p = Conversions.Period.valueOf(period.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserException("--period must be day, week or month, got '" + period + "'");
    }
    Rule.MeasureRule g = Conversions.goal(goal);
    if (engine.onLake()) {
      try (Lake lake = engine.open()) {
        Map<String, Rule> segments = Conversions.segments(lake.segmentDefinitions(),
            new Segments(lake.catalog(), lake.segmentDefinitions(), lake.scores(), Clock.systemUTC()), by);
        Instant start = StoreOptions.instant("--from", from);
        Instant asOf = to != null ? null : report.asOf(lake);
        Instant end = to != null ? StoreOptions.instant("--to", to) : asOf.plus(1, ChronoUnit.MICROS);
        print(out(), Conversions.track(lake.audiences(), g, segments, start, end, p), asOf, report.format());
      }
      return 0;
    }
    try (Store s = store.open()) {
      Map<String, Rule> segments = Conversions.segments(s.segmentDefinitions(), new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()), by);
      Instant start = StoreOptions.instant("--from", from);
      // --to is exclusive; the as-of instant is included, as everywhere else (--as-of latest is the newest event,
      // which belongs in the last period), so the range ends just after it.
      Instant asOf = to != null ? null : report.asOf(s);
      Instant end = to != null ? StoreOptions.instant("--to", to) : asOf.plus(1, ChronoUnit.MICROS);
      Conversions.Report r = Conversions.track(s.audiences(), g, segments, start, end, p);
      print(out(), r, asOf, report.format());
    }
    return 0;
  }

  static void print(PrintWriter out, Conversions.Report r, Instant asOf, Output.Format fmt) {
    String per = r.period().name().toLowerCase(Locale.ROOT);
    if (fmt == Output.Format.CSV) {
      List<List<String>> rows = new ArrayList<>();
      for (Conversions.Cell c : r.cells()) {
        rows.add(csvRow(per, c));
      }
      for (Conversions.Cell c : r.whole()) {
        rows.add(csvRow("whole_range", c));
      }
      Output.csv(out, List.of("period", "from", "until_exclusive", "segment", "members_at_start", "converters", "rate_fraction"), rows);
      return;
    }
    if (fmt == Output.Format.JSON) {
      Output.json(out, ConversionsJson.of(r, asOf));
      return;
    }
    List<String> header = List.of("period", "from", "until (exclusive)", "segment", "members at start", "converters", "conversion rate");
    List<List<String>> rows = new ArrayList<>();
    for (Conversions.Cell c : r.cells()) {
      rows.add(tableRow(per, c));
    }
    for (Conversions.Cell c : r.whole()) {
      rows.add(tableRow("whole range", c));
    }
    out.println("goal: " + r.goal() + ", per " + per + " and over the whole range");
    Charts.table(out, header, rows);
    out.println("members at start: the segment's members when the period starts; converters: those of them whose events from 'from'"
        + " until just before 'until' meet the goal; conversion rate: converters / members at start.");
    out.println("whole range: the same with the range as one period (who converted at all); it is not the mean of the " + switch (r.period()) {
      case DAY -> "daily";
      case WEEK -> "weekly";
      case MONTH -> "monthly";
    } + " rates.");
    out.println();
    out.println("Who produces the conversions (share of converters, with share of customers, index = share of converters / share of"
        + " customers, and rate per member-" + per + "):");
    long total = r.shares().get(0).converters();
    List<Charts.Bar> bars = new ArrayList<>();
    for (Conversions.Share s : r.shares().subList(1, r.shares().size())) {
      bars.add(new Charts.Bar(s.segment(), s.converters(), String.format(Locale.ROOT, "of customers %s, index %.2f, rate %s",
          Output.percent(s.customerShare()), s.index(), Output.percent(s.rate()))));
    }
    Charts.bars(out, bars, total, 30);
  }

  private static List<String> tableRow(String period, Conversions.Cell c) {
    return List.of(period, c.from().toString(), c.until().toString(), c.segment() == null ? "everyone" : c.segment(),
        String.format(Locale.ROOT, "%,d", c.members()), String.format(Locale.ROOT, "%,d", c.converters()), Output.percent(c.rate()));
  }

  private static List<String> csvRow(String period, Conversions.Cell c) {
    return List.of(period, c.from().toString(), c.until().toString(), c.segment() == null ? "" : c.segment(), Long.toString(c.members()),
        Long.toString(c.converters()), Double.isFinite(c.rate()) ? Numbers.format(c.rate()) : "");
  }
}
