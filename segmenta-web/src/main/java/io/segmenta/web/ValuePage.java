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
import java.util.StringJoiner;

/**
 * Value: every saved segment ranked by net revenue over the last 365 days ({@link SegmentValue}, as
 * {@code segmenta value} reports it), drawn as bubbles of size (x) against net revenue (y), each bubble as large as the
 * segment's index (its share of revenue over its share of customers); traps are drawn red and listed with their
 * evidence. The analysis is one aggregate query for all segments, run as a background job so the page answers at once.
 */
final class ValuePage {
  static final String WINDOW = "in last 365 days";

  private ValuePage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    m.put("window", WINDOW);
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (SegmentDefinition d : v.store().segmentDefinitions().all()) {
      rules.put(d.name(), RuleText.parseRule(d.rule()));
    }
    m.put("empty", rules.isEmpty());
    if (rules.isEmpty()) {
      m.put("job", Map.of());
      return m;
    }
    m.put("job", valuation(v, rules).await(Jobs.SHORT_WAIT).view());
    return m;
  }

  /**
   * The valuation of the saved segments in the background, shared with the Segments page (the same analysis over
   * the same window): its value is this page's model, with the {@link SegmentValue.Report} itself under "report".
   */
  static Jobs.Job valuation(Visit v, Map<String, Rule> rules) {
    return v.services().jobs().start("value|" + Jobs.dataKey(v), "valuing " + rules.size() + " segments", p -> {
      p.step("valuing " + rules.size() + " segments in one query");
      SegmentValue.Report r = SegmentValue.analyse(v.store().audiences(), v.store().scores(), v.asOf(), rules,
          SegmentValue.Options.standard().withWindow(WINDOW));
      Map<String, Object> m = model(r, SegmentValue.notes(v.store().profiles(), r));
      m.put("report", r);
      return m;
    });
  }

  static Map<String, Object> model(SegmentValue.Report r, List<String> notes) {
    List<SegmentValue.Worth> ranked = new ArrayList<>(r.segments());
    ranked.sort((a, b) -> Double.compare(finite(b.netRevenue()), finite(a.netRevenue())));
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Map<String, Object>> traps = new ArrayList<>();
    StringJoiner points = new StringJoiner(",", "[", "]");
    int rank = 0;
    for (SegmentValue.Worth w : ranked) {
      rank++;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rank", rank);
      row.put("name", w.name());
      row.put("members", Numbers.count(w.members()));
      row.put("net", Numbers.money(w.netRevenue()));
      row.put("returnRate", Numbers.percent(w.returnRate()));
      row.put("index", Numbers.ratio(w.index()));
      List<String> flags = new ArrayList<>();
      for (Flag f : w.flags()) {
        flags.add(f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        if (f.kind() == Flag.Kind.TRAP) {
          traps.add(Map.of("name", w.name(), "evidence", f.evidence()));
        }
      }
      row.put("flags", String.join(", ", flags));
      row.put("trap", w.has(Flag.Kind.TRAP));
      rows.add(row);
      points.add("{\"name\":" + Numbers.jsonText(w.name()) + ",\"members\":" + w.members() + ",\"net\":" + Numbers.json(w.netRevenue())
          + ",\"index\":" + Numbers.json(w.index()) + ",\"trap\":" + w.has(Flag.Kind.TRAP) + "}");
    }
    Map<String, Object> m = new HashMap<>();
    m.put("rows", rows);
    m.put("traps", traps);
    m.put("bubbles", points.toString());
    m.put("notes", notes);
    return m;
  }

  private static double finite(double x) {
    return Double.isFinite(x) ? x : Double.NEGATIVE_INFINITY;
  }
}
