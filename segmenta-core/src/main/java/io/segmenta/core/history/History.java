package io.segmenta.core.history;

import io.segmenta.core.UserException;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.realtime.MembershipLog;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The membership history's use cases for the CLI, the server's scheduled recompute and the admin API: recompute the
 * batch segments (real-time ones keep their own stays), backfill a segment's past sizes from the events, and one
 * segment's report (daily sizes, inflow and outflow per period, where leavers went).
 *
 * <p>A day's membership is its membership at the day's end: the instant before the next midnight, UTC, so every
 * event of the day counts.
 */
public final class History {
  /** One segment's history between two days. */
  public record Report(String segment, List<SizePoint> sizes, List<Flow> flows, List<Destination> destinations) {}

  private final Definitions<SegmentDefinition> definitions;
  private final MembershipLog realtime;
  private final SegmentHistory history;

  public History(Definitions<SegmentDefinition> definitions, MembershipLog realtime, SegmentHistory history) {
    this.definitions = definitions;
    this.realtime = realtime;
    this.history = history;
  }

  /** The instant a day's membership is read at: its last microsecond. */
  public static Instant endOf(LocalDate day) {
    return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minus(1, ChronoUnit.MICROS);
  }

  /**
   * Recomputes every saved segment that is not real-time at {@code at} and records the difference; a segment whose
   * rule was edited since its last recompute records its changes with the cause {@code rule}.
   */
  public List<Recomputed> recompute(Instant at) {
    Set<String> live = realtime.realtimeSegments();
    Map<String, Rule> batch = new LinkedHashMap<>();
    Set<String> edited = new TreeSet<>();
    for (SegmentDefinition d : definitions.all()) {
      if (live.contains(d.name())) {
        continue;
      }
      batch.put(d.name(), RuleText.parseRule(d.rule()));
      history.lastRecompute(d.name()).filter(last -> d.updatedAt().isAfter(last)).ifPresent(last -> edited.add(d.name()));
    }
    return history.recompute(batch, at, edited);
  }

  /**
   * Computes a saved segment's size at the end of every day from {@code from} to {@code to} from the events, in one
   * pass, and keeps it as the segment's past; answers the sizes by day.
   */
  public Map<LocalDate, Long> backfill(String segment, LocalDate from, LocalDate to) {
    Rule rule = RuleText.parseRule(saved(segment).rule());
    List<LocalDate> days = days(from, to);
    List<Instant> at = days.stream().map(History::endOf).toList();
    List<Long> sizes = history.sizesFromEvents(rule, at);
    Map<Instant, Long> kept = new LinkedHashMap<>();
    Map<LocalDate, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < days.size(); i++) {
      kept.put(at.get(i), sizes.get(i));
      out.put(days.get(i), sizes.get(i));
    }
    history.saveBackfill(segment, kept);
    return out;
  }

  /** A saved segment's daily sizes, flows per {@code periodDays} and where its leavers went, from {@code from} to {@code to}. */
  public Report report(String segment, LocalDate from, LocalDate to, int periodDays) {
    saved(segment);
    if (periodDays < 1 || periodDays > 366) {
      throw new UserException("period must be between 1 and 366 days, got " + periodDays);
    }
    List<LocalDate> days = days(from, to);
    List<SizePoint> sizes = history.sizes(segment, days.stream().map(History::endOf).toList());
    List<Instant> bounds = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to.plusDays(1)); d = d.plusDays(periodDays)) {
      bounds.add(d.atStartOfDay(ZoneOffset.UTC).toInstant());
    }
    Instant end = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    if (bounds.get(bounds.size() - 1).isBefore(end)) {
      bounds.add(end);
    }
    List<Flow> flows = history.flows(segment, bounds);
    List<Destination> destinations = history.destinations(segment, from.atStartOfDay(ZoneOffset.UTC).toInstant(), end);
    return new Report(segment, sizes, flows, destinations);
  }

  private SegmentDefinition saved(String segment) {
    return definitions.find(segment).orElseThrow(() -> new UserException("there is no saved segment named '" + segment + "'"));
  }

  /** The days from {@code from} to {@code to}, both included; at most ten years. */
  public static List<LocalDate> days(LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      throw new UserException("the last day (" + to + ") is before the first (" + from + ")");
    }
    if (ChronoUnit.DAYS.between(from, to) > 3660) {
      throw new UserException("a history spans at most ten years, got " + from + " to " + to);
    }
    List<LocalDate> out = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      out.add(d);
    }
    return out;
  }
}
