package io.segmenta.core.conversion;

import io.segmenta.core.UserException;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.Window;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversion tracking per segment over time. A goal is a condition on one aggregate, as a segment would write it
 * ({@code count(order where coupon != null) >= 1}); for each period, the segment's members at the period's start
 * (who they were before they converted) are counted, and those whose events in the period meet the goal are its
 * converters. Over the whole range, each segment's share of the converters is set against its share of the
 * customers: which segments produce the conversions, not only which convert at a high rate. Beside the per-period
 * rates stands the rate over the whole range, computed the same way with the range as one period (members at its
 * start, converters in all of it): a period rate answers "how many convert in a month", the whole-range rate "how
 * many converted at all", and the second is not the mean of the first.
 */
public final class Conversions {
  private Conversions() {}

  public enum Period { DAY, WEEK, MONTH }

  /** One segment in one period ({@code segment} null: everyone). */
  public record Cell(Instant from, Instant until, String segment, long members, long converters) {
    public double rate() {
      return members == 0 ? Double.NaN : (double) converters / members;
    }
  }

  /** A segment over the whole range: converters and member-periods summed, and its shares of everyone's. */
  public record Share(String segment, long memberPeriods, long converters, double customerShare, double conversionShare) {
    /** Conversion share over customer share: above 1, the segment brings more than its size. */
    public double index() {
      return customerShare == 0 ? Double.NaN : conversionShare / customerShare;
    }

    public double rate() {
      return memberPeriods == 0 ? Double.NaN : (double) converters / memberPeriods;
    }
  }

  /**
   * @param cells one per period and segment (everyone first in each period)
   * @param whole one per segment (everyone first) over the whole range [from, to) taken as one period
   */
  public record Report(String goal, Period period, List<String> segments, List<Cell> cells, List<Cell> whole, List<Share> shares) {}

  /** Parses a goal: a condition on a single count or sum, without a window of its own. */
  public static Rule.MeasureRule goal(String text) {
    Rule r;
    try {
      r = RuleText.parseRule(text);
    } catch (RuleException e) {
      throw new UserException("goal: " + e.getMessage());
    }
    if (!(r instanceof Rule.MeasureRule m) || !(m.measure() instanceof Measure.Aggregate a)) {
      throw new UserException("a goal is a condition on one aggregate, as in count(order) >= 1; got '" + text + "'");
    }
    if (!(a.window() instanceof Window.AllTime)) {
      throw new UserException("a goal has no window of its own (each period is its window); remove it from '" + text + "'");
    }
    return m;
  }

  /**
   * The segments a report breaks down by, the same for the CLI and the admin API: each of {@code by} (a saved
   * segment's name or a rule, kept in the given order), or with none, every saved segment.
   */
  public static Map<String, Rule> segments(Definitions<SegmentDefinition> definitions, Segments saved, List<String> by) {
    Map<String, Rule> out = new LinkedHashMap<>();
    if (by.isEmpty()) {
      definitions.all().forEach(d -> out.put(d.name(), saved.ruleOf(d.name())));
    }
    by.forEach(x -> out.put(x, saved.ruleOf(x)));
    return out;
  }

  public static Report track(Audiences audiences, Rule.MeasureRule goal, Map<String, Rule> segments, Instant from, Instant to, Period period) {
    if (!from.isBefore(to)) {
      throw new UserException("the range must start before it ends, got " + from + " to " + to);
    }
    Measure.Aggregate a = (Measure.Aggregate) goal.measure();
    List<Instant> bounds = bounds(from, to, period);
    if (bounds.size() > 400) {
      throw new UserException("the range holds " + (bounds.size() - 1) + " periods; choose a longer period or a shorter range (at most 400)");
    }
    List<String> names = new ArrayList<>(segments.keySet());
    List<Cell> cells = new ArrayList<>();
    long[] memberPeriods = new long[names.size() + 1];
    long[] converters = new long[names.size() + 1];
    for (int p = 0; p + 1 < bounds.size(); p++) {
      Instant p0 = bounds.get(p);
      Instant p1 = bounds.get(p + 1);
      Measure.Aggregate inPeriod = new Measure.Aggregate(a.fn(), a.eventType(), a.property(), a.filter(),
          new Window.Range(new Value.TimeValue(p0), new Value.TimeValue(p1)));
      long[] conv = audiences.run(new AudienceQuery.Keys(new Rule.MeasureRule(inPeriod, goal.condition()), p1.minusNanos(1000)));
      long[] all = audiences.run(new AudienceQuery.Keys(new Rule.And(List.of()), p0));
      cells.add(new Cell(p0, p1, null, all.length, intersection(all, conv)));
      memberPeriods[0] += all.length;
      converters[0] += intersection(all, conv);
      for (int s = 0; s < names.size(); s++) {
        long[] members = audiences.run(new AudienceQuery.Keys(segments.get(names.get(s)), p0));
        long c = intersection(members, conv);
        cells.add(new Cell(p0, p1, names.get(s), members.length, c));
        memberPeriods[s + 1] += members.length;
        converters[s + 1] += c;
      }
    }
    List<Cell> whole = new ArrayList<>();
    Instant first = bounds.get(0);
    Instant last = bounds.get(bounds.size() - 1);
    Measure.Aggregate inRange = new Measure.Aggregate(a.fn(), a.eventType(), a.property(), a.filter(),
        new Window.Range(new Value.TimeValue(first), new Value.TimeValue(last)));
    long[] convRange = audiences.run(new AudienceQuery.Keys(new Rule.MeasureRule(inRange, goal.condition()), last.minusNanos(1000)));
    long[] everyone = audiences.run(new AudienceQuery.Keys(new Rule.And(List.of()), first));
    whole.add(new Cell(first, last, null, everyone.length, intersection(everyone, convRange)));
    for (String name : names) {
      long[] members = audiences.run(new AudienceQuery.Keys(segments.get(name), first));
      whole.add(new Cell(first, last, name, members.length, intersection(members, convRange)));
    }
    List<Share> shares = new ArrayList<>();
    for (int s = 0; s <= names.size(); s++) {
      shares.add(new Share(s == 0 ? null : names.get(s - 1), memberPeriods[s], converters[s],
          memberPeriods[0] == 0 ? Double.NaN : (double) memberPeriods[s] / memberPeriods[0],
          converters[0] == 0 ? Double.NaN : (double) converters[s] / converters[0]));
    }
    return new Report(RuleText.print(goal), period, names, cells, whole, shares);
  }

  /** Calendar periods in UTC covering [from, to): the first starts at from, the last ends at to. */
  static List<Instant> bounds(Instant from, Instant to, Period period) {
    List<Instant> out = new ArrayList<>(List.of(from));
    ZonedDateTime t = from.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
    while (true) {
      t = switch (period) {
        case DAY -> t.plusDays(1);
        case WEEK -> t.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
        case MONTH -> t.with(TemporalAdjusters.firstDayOfNextMonth());
      };
      Instant i = t.toInstant();
      if (!i.isBefore(to)) {
        out.add(to);
        return out;
      }
      if (i.isAfter(out.get(out.size() - 1))) {
        out.add(i);
      }
    }
  }

  /** Members of both sorted key arrays. */
  static long intersection(long[] a, long[] b) {
    long n = 0;
    int j = 0;
    for (long x : a) {
      while (j < b.length && b[j] < x) {
        j++;
      }
      if (j < b.length && b[j] == x) {
        n++;
      }
    }
    return n;
  }
}
