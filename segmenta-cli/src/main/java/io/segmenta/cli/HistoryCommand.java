package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.history.Destination;
import io.segmenta.core.history.Flow;
import io.segmenta.core.history.History;
import io.segmenta.core.history.Recomputed;
import io.segmenta.core.history.SizePoint;
import io.segmenta.core.history.Stay;
import io.segmenta.core.lake.Lake;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code segmenta segment history NAME}: a saved segment's size over time (a terminal chart), inflow and outflow per
 * period and where leavers went; {@code --at DAY} lists who was in; {@code --profile ID} a person's stays with their
 * causes; {@code --backfill} computes the past sizes from the events first. {@code segmenta segment recompute} records
 * today's difference of every batch segment, for shops without a server.
 */
final class HistoryCommand {
  private HistoryCommand() {}

  static LocalDate day(String option, String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new UserException(option + " must be a date like 2024-03-31, got '" + text + "'");
    }
  }

  /** A sparkline of sizes (unknown ones as spaces), scaled between their minimum and maximum. */
  static String sparkline(List<SizePoint> sizes) {
    String blocks = "▁▂▃▄▅▆▇█";
    long min = sizes.stream().filter(p -> p.size() >= 0).mapToLong(SizePoint::size).min().orElse(0);
    long max = sizes.stream().filter(p -> p.size() >= 0).mapToLong(SizePoint::size).max().orElse(0);
    StringBuilder s = new StringBuilder();
    for (SizePoint p : sizes) {
      if (p.size() < 0) {
        s.append(' ');
      } else {
        int i = max == min ? 3 : (int) Math.round((p.size() - min) * 7.0 / (max - min));
        s.append(blocks.charAt(i));
      }
    }
    return s.toString();
  }

  @Command(name = "history", mixinStandardHelpOptions = true,
      description = "A saved segment's membership over time: size chart, inflow and outflow per period, where leavers went; who was in on a day (--at).")
  static final class Show implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Parameters(paramLabel = "NAME", description = "A saved segment's name.")
    String name;

    @Option(names = "--from", description = "The first day (default: 90 days before --to).")
    String from;

    @Option(names = "--to", description = "The last day (default: today, UTC).")
    String to;

    @Option(names = "--period", defaultValue = "7", description = "Days per inflow/outflow period (default 7).")
    int period;

    @Option(names = "--at", description = "List who was in the segment at the end of this day instead.")
    String at;

    @Option(names = "--profile", description = "Show this profile's stays in the segment, with what caused each entry and exit.")
    String profile;

    @Option(names = "--limit", defaultValue = "50", description = "How many members --at lists (default 50).")
    int limit;

    @Option(names = "--backfill", description = "First compute the sizes from --from to --to from the events (for days before the history began).")
    boolean backfill;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Store s = store.open()) {
        History history = new History(s.segmentDefinitions(), s.membership(), s.history());
        if (s.segmentDefinitions().find(name).isEmpty()) {
          throw new UserException("there is no saved segment named '" + name + "'");
        }
        if (at != null) {
          if (limit < 1) {
            throw new UserException("--limit must be at least 1, got " + limit);
          }
          LocalDate d = day("--at", at);
          spec.commandLine().getErr().println("members of " + name + " at the end of " + d + " (UTC)");
          s.history().membersAt(name, History.endOf(d), 0, limit).forEach(out::println);
          return 0;
        }
        if (profile != null) {
          List<List<String>> rows = new ArrayList<>();
          for (Stay st : s.history().stays(profile, name)) {
            rows.add(List.of(st.entered().toString(), st.enterCause(), st.left() == null ? "(still in)" : st.left().toString(),
                st.exitCause() == null ? "" : st.exitCause()));
          }
          if (rows.isEmpty()) {
            out.println("no recorded stay of that profile in " + name);
          } else {
            Charts.table(out, List.of("entered", "because of", "left", "because of"), rows);
          }
          return 0;
        }
        LocalDate last = to == null ? LocalDate.now(Clock.systemUTC()) : day("--to", to);
        LocalDate first = from == null ? last.minusDays(90) : day("--from", from);
        if (backfill) {
          Map<LocalDate, Long> sizes = history.backfill(name, first, last);
          out.printf("backfilled %d days from the events%n", sizes.size());
        }
        History.Report r = history.report(name, first, last, period);
        print(out, r);
      }
      return 0;
    }

    private static void print(PrintWriter out, History.Report r) {
      List<SizePoint> known = r.sizes().stream().filter(p -> p.size() >= 0).toList();
      out.printf("%s, %s to %s (sizes at each day's end, UTC)%n", r.segment(), dayOf(r.sizes().get(0).at()), dayOf(r.sizes().get(r.sizes().size() - 1).at()));
      if (known.isEmpty()) {
        out.println("  no history for these days: run 'segmenta segment recompute' daily, or add --backfill");
      } else {
        long min = known.stream().mapToLong(SizePoint::size).min().orElse(0);
        long max = known.stream().mapToLong(SizePoint::size).max().orElse(0);
        out.printf("  size  %s  min %,d  max %,d  now %,d%n", sparkline(r.sizes()), min, max, known.get(known.size() - 1).size());
        long backfilled = r.sizes().stream().filter(p -> p.source() == SizePoint.Source.BACKFILL).count();
        if (backfilled > 0) {
          out.printf("  (%d days computed from the events before the history began)%n", backfilled);
        }
      }
      List<List<String>> rows = new ArrayList<>();
      for (Flow f : r.flows()) {
        rows.add(List.of(dayOf(f.from()) + " .. " + dayOf(f.until().minusSeconds(1)), String.format("+%,d", f.inflow()), String.format("-%,d", f.outflow())));
      }
      out.println();
      Charts.table(out, List.of("period", "in", "out"), rows);
      out.println();
      long leavers = r.flows().stream().mapToLong(Flow::outflow).sum();
      if (leavers == 0) {
        out.println("nobody left in these days");
      } else {
        out.println("where the leavers went (right after leaving; one may be in several):");
        List<Charts.Bar> bars = new ArrayList<>();
        for (Destination d : r.destinations()) {
          bars.add(new Charts.Bar(d.segment() == null ? "(no other segment)" : d.segment(), d.leavers(), ""));
        }
        Charts.bars(out, bars, leavers, 30);
      }
    }

    private static LocalDate dayOf(Instant t) {
      return t.atOffset(ZoneOffset.UTC).toLocalDate();
    }
  }

  @Command(name = "recompute", mixinStandardHelpOptions = true,
      description = "Record the membership history of every batch segment now (the server does this daily; run it from cron without one).")
  static final class Recompute implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Option(names = "--as-of", description = "The instant to record (default now); never before the last recompute.")
    String asOf;

    @Mixin
    EngineOptions engine;

    @Option(names = "--into-store", description = "With --engine spark: record the lake's changes in the store's membership history (--data-dir) too.")
    boolean intoStore;

    @Parameters(arity = "0..*", paramLabel = "SEGMENT", description = "With --engine spark: the lake's saved segments to recompute (default: all of them).")
    List<String> segments = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (engine.onLake()) {
        return onLake(out);
      }
      if (intoStore || !segments.isEmpty()) {
        throw new UserException((intoStore ? "--into-store" : "naming segments") + " is for --engine spark --lake DIR; the store recomputes every batch segment");
      }
      try (Store s = store.open()) {
        Instant at = asOf == null ? Clock.systemUTC().instant() : StoreOptions.resolve(asOf, s).instant();
        List<Recomputed> runs = new History(s.segmentDefinitions(), s.membership(), s.history()).recompute(at);
        List<List<String>> rows = new ArrayList<>();
        for (Recomputed r : runs) {
          rows.add(List.of(r.segment(), String.format("%,d", r.members()), String.format("+%,d", r.entered()), String.format("-%,d", r.left())));
        }
        out.println("recorded as of " + at);
        Charts.table(out, List.of("segment", "members", "entered", "left"), rows);
      }
      return 0;
    }

    /** Each of the lake's saved segments into memberships/ and history/ of the lake, and its changes into the store when asked. */
    private int onLake(PrintWriter out) {
      try (Lake lake = engine.open(); Store s = intoStore ? store.open() : null) {
        Instant at = asOf == null ? Clock.systemUTC().instant() : StoreOptions.resolve(asOf, lake.lastEvent().orElse(null)).instant();
        Segments saved = new Segments(lake.catalog(), lake.segmentDefinitions(), lake.scores(), Clock.systemUTC());
        List<String> names = segments.isEmpty() ? lake.segmentDefinitions().all().stream().map(SegmentDefinition::name).toList() : segments;
        if (names.isEmpty()) {
          throw new UserException("the lake has no saved segments (segments/); name one or save some with segmenta rfm --engine spark");
        }
        List<List<String>> rows = new ArrayList<>();
        for (String name : names) {
          if (lake.segmentDefinitions().find(name).isEmpty()) {
            throw saved.unknownSegment(name);
          }
          List<MembershipChange> changes = new ArrayList<>();
          Recomputed r = lake.writeMembership(name, saved.ruleOf(name), at, s == null ? null : changes::add);
          if (s != null) {
            s.membership().recordMembershipChanges(changes);
          }
          rows.add(List.of(r.segment(), String.format("%,d", r.members()), String.format("+%,d", r.entered()), String.format("-%,d", r.left())));
        }
        out.println("recorded as of " + at + " in " + lake.dir() + (s == null ? "" : " and the store"));
        Charts.table(out, List.of("segment", "members", "entered", "left"), rows);
      }
      return 0;
    }
  }
}
