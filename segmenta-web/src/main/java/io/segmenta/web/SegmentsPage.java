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
 * {@code segmenta value} reports them: one aggregate query for all segments, however many there are. The query runs in
 * the background ({@link ValuePage#valuation}, the same job as the Value page's): the page lists the segments and their
 * rules at once, with "counting" in the figures' cells, and htmx fills the table in when the job is done.
 */
final class SegmentsPage {
  static final String WINDOW = ValuePage.WINDOW;

  private SegmentsPage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    m.put("window", WINDOW);
    List<SegmentDefinition> saved = v.store().segmentDefinitions().all();
    Map<String, Rule> rules = new LinkedHashMap<>();
    Map<String, String> text = new HashMap<>();
    List<Map<String, Object>> pending = new ArrayList<>();
    for (SegmentDefinition d : saved) {
      rules.put(d.name(), RuleText.parseRule(d.rule()));
      text.put(d.name(), d.rule());
      pending.add(Map.of("name", d.name(), "rule", d.rule()));
    }
    m.put("pending", pending);
    m.put("segments", List.of());
    m.put("notes", List.of());
    m.put("job", Map.of());
    if (rules.isEmpty()) {
      return m;
    }
    Jobs.Job job = ValuePage.valuation(v, rules).await(Jobs.SHORT_WAIT);
    m.put("job", job.view());
    job.result().ifPresent(done -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> value = (Map<String, Object>) done;
      m.put("segments", rows((SegmentValue.Report) value.get("report"), text));
      m.put("notes", value.get("notes"));
    });
    return m;
  }

  static List<Map<String, Object>> rows(SegmentValue.Report r, Map<String, String> text) {
    List<Map<String, Object>> rows = new ArrayList<>();
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
      row.put("rule", text.getOrDefault(w.name(), ""));
      rows.add(row);
    }
    return rows;
  }
}
