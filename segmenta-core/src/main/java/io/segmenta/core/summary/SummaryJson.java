package io.segmenta.core.summary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trait summaries and breakdowns as JSON-ready maps, the same for the CLI and the admin API: numbers stay numbers,
 * and an undefined one (no values, no outcome) is null, since JSON has no NaN.
 */
public final class SummaryJson {
  private SummaryJson() {}

  public static Map<String, Object> traits(TraitSummaries.Report r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("as_of", r.asOf().toString());
    m.put("segment", r.segment());
    m.put("members", r.members());
    m.put("everyone", r.everyone());
    m.put("opted_out_of_analytics", r.optedOut());
    List<Map<String, Object>> traits = new ArrayList<>();
    for (TraitSummaries.Trait t : r.traits()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("name", t.name());
      x.put("type", t.type());
      x.put("family", t.family());
      x.put("segment", summary(t.segment()));
      if (t.everyone() != null) {
        x.put("everyone", summary(t.everyone()));
      }
      traits.add(x);
    }
    m.put("traits", traits);
    return m;
  }

  static Map<String, Object> summary(TraitSummaries.Summary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("profiles", s.population());
    m.put("present", s.present());
    m.put("missing", s.missing());
    m.put("coverage", number(s.coverage()));
    m.put("missing_share", number(1 - s.coverage()));
    m.put("distinct", s.distinct());
    List<Map<String, Object>> top = new ArrayList<>();
    s.top().forEach(c -> {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("value", c.value());
      v.put("count", c.count());
      top.add(v);
    });
    m.put("top", top);
    TraitSummaries.NumberStats n = s.numbers();
    if (n != null) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("mean", number(n.mean()));
      x.put("sd", number(n.sd()));
      x.put("min", number(n.min()));
      x.put("p5", number(n.p5()));
      x.put("p25", number(n.p25()));
      x.put("median", number(n.median()));
      x.put("p75", number(n.p75()));
      x.put("p95", number(n.p95()));
      x.put("max", number(n.max()));
      List<Map<String, Object>> bins = new ArrayList<>();
      n.histogram().forEach(b -> {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("from", number(b.from()));
        v.put("to", number(b.to()));
        v.put("count", b.count());
        bins.add(v);
      });
      x.put("histogram", bins);
      m.put("numbers", x);
    }
    return m;
  }

  public static Map<String, Object> breakdown(Breakdown.Report r, List<String> saved) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("as_of", r.asOf().toString());
    m.put("by", r.by());
    m.put("segment", r.segment());
    m.put("outcome", r.outcome());
    m.put("population", r.population());
    m.put("outcomes", r.outcome() == null ? null : r.outcomes());
    m.put("overall_rate", number(r.overallRate()));
    List<Map<String, Object>> groups = new ArrayList<>();
    for (int i = 0; i < r.groups().size(); i++) {
      Breakdown.Group g = r.groups().get(i);
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("values", g.labels());
      x.put("rule", g.rule());
      x.put("size", g.size());
      x.put("share", number(g.share()));
      if (r.outcome() != null) {
        x.put("outcomes", g.outcomes());
        x.put("rate", number(g.rate()));
        x.put("rate_low_95", number(g.low()));
        x.put("rate_high_95", number(g.high()));
        x.put("index", number(g.index()));
      }
      if (!saved.isEmpty()) {
        x.put("saved_as", saved.get(i));
      }
      groups.add(x);
    }
    m.put("groups", groups);
    if (r.test() != null) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("test", "pearson chi-square test of independence");
      t.put("of", r.testOf());
      t.put("chi_square", number(r.test().chiSquare()));
      t.put("degrees_of_freedom", r.test().degreesOfFreedom());
      t.put("p_value", number(r.test().pValue()));
      t.put("diagnostic", r.test().diagnostic());
      m.put("chi_square", t);
    }
    m.put("notes", r.notes());
    return m;
  }

  private static Double number(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
