package io.segmenta.web;

import io.segmenta.core.pnl.Flag;
import io.segmenta.core.pnl.SegmentValue;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Segments: every saved segment with its size, share of customers, net revenue, return rate, index and flags (trap,
 * too small, too mixed, stale, thin, with their evidence), from {@link SegmentValue} over the last 365 days as
 * {@code segmenta value} reports them: one aggregate query for all segments, however many there are.
 */
final class SegmentsPage {
  static final String WINDOW = "in last 365 days";

  private SegmentsPage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    m.put("window", WINDOW);
    List<SegmentDefinition> saved = v.store().segmentDefinitions().all();
    Map<String, Rule> rules = new LinkedHashMap<>();
    Map<String, String> text = new HashMap<>();
    for (SegmentDefinition d : saved) {
      rules.put(d.name(), RuleText.parseRule(d.rule()));
      text.put(d.name(), d.rule());
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    if (!rules.isEmpty()) {
      SegmentValue.Report r = SegmentValue.analyse(v.store().audiences(), v.store().scores(), v.asOf(), rules, SegmentValue.Options.standard().withWindow(WINDOW));
      for (SegmentValue.Worth w : r.segments()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", w.name());
        row.put("members", Numbers.count(w.members()));
        row.put("share", Numbers.percent(w.customerShare()));
        row.put("net", Numbers.money(w.netRevenue()));
        row.put("returnRate", Numbers.percent(w.returnRate()));
        row.put("index", Numbers.ratio(w.index()));
        List<Map<String, String>> flags = new ArrayList<>();
        for (Flag f : w.flags()) {
          flags.add(Map.of("kind", f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), "evidence", f.evidence()));
        }
        row.put("flags", flags);
        row.put("rule", text.get(w.name()));
        rows.add(row);
      }
      m.put("notes", SegmentValue.notes(v.store().profiles(), r));
    } else {
      m.put("notes", List.of());
    }
    m.put("segments", rows);
    return m;
  }
}
