package io.segmenta.web;

import io.segmenta.core.SegmentaException;
import io.segmenta.core.experiment.Analysis;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.pnl.Flag;
import io.segmenta.core.pnl.SegmentValue;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What changed in the seven days up to "as of", for Home: entries and exits of the real-time segments (their
 * membership log; other segments keep no history), the flags a segment carries now but did not a week ago
 * ({@link SegmentValue} at both instants), and the experiments that reached a decision in the week: stopped in it,
 * or running with a significant overall result on a metric ({@link Analysis}, the report's own test).
 */
final class WeekChanges {
  static final Duration WEEK = Duration.ofDays(7);
  /** The most membership changes read; beyond it the counts say "at least". */
  static final int CHANGES = 200_000;

  private WeekChanges() {}

  static Map<String, Object> load(Visit v, Jobs.Progress p) {
    Instant to = v.asOf();
    Instant from = to.minus(WEEK);
    Map<String, Object> m = new HashMap<>();
    m.put("from", from.toString().substring(0, 10));

    p.step("reading the membership log");
    List<MembershipChange> changes = v.store().membership().membershipChanges(null, null, from, CHANGES);
    Map<String, long[]> bySegment = new TreeMap<>();
    for (MembershipChange c : changes) {
      if (!c.at().isAfter(to)) {
        bySegment.computeIfAbsent(c.segment(), k -> new long[2])[c.entered() ? 0 : 1]++;
      }
    }
    List<Map<String, Object>> moves = new ArrayList<>();
    StringJoiner names = new StringJoiner(",", "[", "]");
    StringJoiner in = new StringJoiner(",", "[", "]");
    StringJoiner out = new StringJoiner(",", "[", "]");
    bySegment.forEach((s, n) -> {
      moves.add(Map.of("segment", s, "entered", Numbers.count(n[0]), "exited", Numbers.count(n[1])));
      names.add(Numbers.jsonText(s));
      in.add(Long.toString(n[0]));
      out.add(Long.toString(-n[1]));
    });
    m.put("moves", moves);
    m.put("movesCapped", changes.size() >= CHANGES);
    m.put("realtime", !v.store().membership().realtimeSegments().isEmpty());
    m.put("movesChart", "{\"segments\":" + names + ",\"entered\":" + in + ",\"exited\":" + out + "}");

    p.step("comparing segment flags with a week ago");
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (SegmentDefinition d : v.store().segmentDefinitions().all()) {
      rules.put(d.name(), RuleText.parseRule(d.rule()));
    }
    List<Map<String, String>> raised = new ArrayList<>();
    if (!rules.isEmpty()) {
      SegmentValue.Options o = SegmentValue.Options.standard().withWindow(ValuePage.WINDOW);
      SegmentValue.Report now = SegmentValue.analyse(v.store().audiences(), v.store().scores(), to, rules, o);
      SegmentValue.Report before = SegmentValue.analyse(v.store().audiences(), v.store().scores(), from, rules, o);
      Map<String, Set<Flag.Kind>> had = new HashMap<>();
      for (SegmentValue.Worth w : before.segments()) {
        Set<Flag.Kind> kinds = new TreeSet<>();
        w.flags().forEach(f -> kinds.add(f.kind()));
        had.put(w.name(), kinds);
      }
      for (SegmentValue.Worth w : now.segments()) {
        for (Flag f : w.flags()) {
          if (!had.getOrDefault(w.name(), Set.of()).contains(f.kind())) {
            raised.add(Map.of("segment", w.name(), "kind", f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), "evidence", f.evidence()));
          }
        }
      }
    }
    m.put("flags", raised);

    p.step("checking the experiments");
    List<Map<String, String>> decided = new ArrayList<>();
    for (Experiment e : v.store().experimentDefinitions().all()) {
      boolean stopped = e.stop() != null && !e.stop().isBefore(from) && !e.stop().isAfter(to);
      boolean running = (e.start() == null || !e.start().isAfter(to)) && (e.stop() == null || e.stop().isAfter(from));
      if (!running || e.metrics().isEmpty()) {
        continue;
      }
      String verdict = stopped ? "stopped on " + e.stop().toString().substring(0, 10) : null;
      try {
        Analysis.Report r = Analysis.analyse(v.store().experimentReads(), e, Map.of(), to, Analysis.Options.DEFAULT);
        for (Analysis.Comparison c : r.comparisons()) {
          if (c.segment() == null || c.segment().isEmpty()) {
            if (c.better() || c.worse()) {
              String s = c.variant().variant() + " " + (c.better() ? "beats" : "loses to") + " " + c.control().variant() + " on " + c.metric();
              verdict = verdict == null ? s : verdict + "; " + s;
            }
          }
        }
      } catch (SegmentaException ex) {
        if (!ex.isUserError()) {
          throw ex;
        }
      }
      if (verdict != null) {
        decided.add(Map.of("key", e.key(), "verdict", verdict));
      }
    }
    m.put("experiments", decided);
    return m;
  }
}
