package io.segmenta.web;

import io.segmenta.core.UserException;
import io.segmenta.core.experiment.Analysis;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.stats.SampleRatioMismatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Experiments: the list, and one experiment's report from {@link Analysis} (what {@code segmenta experiment report}
 * and the admin API's analysis compute): results per segment of the breakdown (?by=, repeatable; by default the first
 * saved segments) with their intervals drawn as a forest plot, a banner when the split shows a sample-ratio mismatch
 * (its p-value against the documented thresholds of {@link SampleRatioMismatch}), and with ?sequential=true the
 * always-valid interval of the overall lift over time, one analysis at each of {@link #STEPS} instants from the start.
 */
final class ExperimentsPage {
  static final int DEFAULT_SEGMENTS = 6;
  static final int STEPS = 8;

  private ExperimentsPage() {}

  static Map<String, Object> list(Visit v) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Experiment e : v.store().experimentDefinitions().all()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("key", e.key());
      row.put("name", e.name() == null || e.name().isBlank() ? e.key() : e.name());
      row.put("variants", e.allocation().variants().size());
      row.put("metrics", e.metrics().size());
      row.put("segment", e.targeting().segment() == null ? "everyone" : e.targeting().segment());
      row.put("start", e.start() == null ? "–" : e.start().toString());
      row.put("stop", e.stop() == null ? "–" : e.stop().toString());
      rows.add(row);
    }
    return Map.of("experiments", rows);
  }

  static Map<String, Object> report(Visit v) {
    String key = v.ctx().pathParam("key");
    Experiment e = v.store().experimentDefinitions().find(key).orElseThrow(() -> new UserException("there is no experiment '" + key + "'"));
    Segments segments = new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(), Clock.systemUTC());
    List<String> by = v.ctx().queryParams("by");
    List<String> saved = v.store().segmentDefinitions().all().stream().map(SegmentDefinition::name).toList();
    if (by.isEmpty()) {
      by = saved.subList(0, Math.min(DEFAULT_SEGMENTS, saved.size()));
    }
    Map<String, Rule> breakdown = new LinkedHashMap<>();
    for (String s : by) {
      breakdown.put(s, segments.ruleOf(s));
    }
    boolean sequential = "true".equals(v.ctx().queryParam("sequential"));
    Analysis.Options o = new Analysis.Options(Analysis.Options.DEFAULT.alpha(), sequential, Analysis.Options.DEFAULT.sequentialTuning(),
        Analysis.Options.DEFAULT.correction(), Analysis.Options.DEFAULT.minimumEffect());
    Instant asOf = e.stop() != null && e.stop().isBefore(v.asOf()) ? e.stop() : v.asOf();
    Analysis.Report r = Analysis.analyse(v.store().experimentReads(), e, breakdown, asOf, o);

    Map<String, Object> m = new HashMap<>();
    m.put("title", "Experiment " + (e.name() == null || e.name().isBlank() ? e.key() : e.name()));
    m.put("key", e.key());
    m.put("name", e.name() == null || e.name().isBlank() ? e.key() : e.name());
    m.put("description", e.description() == null ? "" : e.description());
    m.put("reportAsOf", asOf.toString());
    m.put("sequential", sequential);
    m.put("alpha", Numbers.percent(o.alpha()));
    m.put("summary", r.summary());
    m.put("saved", saved);
    m.put("chosen", by);
    List<Map<String, Object>> units = new ArrayList<>();
    r.units().forEach(a -> units.add(Map.of("variant", a.variant(), "units", Numbers.count(a.units()))));
    m.put("units", units);
    List<Map<String, Object>> heldOut = new ArrayList<>();
    r.heldOut().forEach((who, people) -> heldOut.add(Map.of("by", who, "people", Numbers.count(people))));
    m.put("heldOut", heldOut);
    SampleRatioMismatch.Verdict verdict = r.srm().verdict();
    m.put("srm", verdict.label());
    m.put("srmP", Double.isFinite(r.srm().pValue()) ? String.format(Locale.ROOT, "%.2g", r.srm().pValue()) : "–");
    m.put("srmMismatchBelow", Double.toString(SampleRatioMismatch.MISMATCH_BELOW));
    m.put("srmWatchBelow", Double.toString(SampleRatioMismatch.WATCH_BELOW));
    m.put("srmDiagnostic", r.srm().diagnostic());

    // One forest plot per metric: a row per segment and variant, the relative lift with its interval.
    List<Map<String, Object>> metrics = new ArrayList<>();
    Map<String, List<Analysis.Comparison>> byMetric = new LinkedHashMap<>();
    for (Analysis.Comparison c : r.comparisons()) {
      byMetric.computeIfAbsent(c.metric(), x -> new ArrayList<>()).add(c);
    }
    int index = 0;
    for (Map.Entry<String, List<Analysis.Comparison>> en : byMetric.entrySet()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      StringJoiner labels = new StringJoiner(",", "[", "]");
      StringJoiner points = new StringJoiner(",", "[", "]");
      StringJoiner lows = new StringJoiner(",", "[", "]");
      StringJoiner highs = new StringJoiner(",", "[", "]");
      for (Analysis.Comparison c : en.getValue()) {
        String label = (c.segment() == null ? "everyone" : c.segment()) + " · " + c.variant().variant();
        labels.add(quote(label));
        points.add(Numbers.json(c.test().estimate()));
        lows.add(Numbers.json(c.test().ciLow()));
        highs.add(Numbers.json(c.test().ciHigh()));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("segment", c.segment() == null ? "everyone" : c.segment());
        row.put("variant", c.variant().variant());
        row.put("units", Numbers.count(c.control().units()) + " / " + Numbers.count(c.variant().units()));
        row.put("control", Numbers.ratio(c.control().mean()));
        row.put("treated", Numbers.ratio(c.variant().mean()));
        row.put("lift", Numbers.percent(c.test().estimate()));
        row.put("interval", Numbers.percent(c.test().ciLow()) + " to " + Numbers.percent(c.test().ciHigh()));
        row.put("p", Double.isFinite(c.pAdjusted()) ? String.format(Locale.ROOT, "%.3g", c.pAdjusted()) : "–");
        row.put("verdict", c.better() ? "better" : c.worse() ? "worse" : "not significant");
        row.put("warnings", c.warnings());
        rows.add(row);
      }
      Map<String, Object> metric = new LinkedHashMap<>();
      metric.put("id", "forest-" + index++);
      metric.put("name", en.getKey());
      metric.put("rows", rows);
      metric.put("json", "{\"labels\":" + labels + ",\"lift\":" + points + ",\"low\":" + lows + ",\"high\":" + highs + "}");
      metrics.add(metric);
    }
    m.put("metrics", metrics);
    m.put("overTime", sequential ? overTime(v, e, asOf, o) : "");
    return m;
  }

  /**
   * The overall relative lift of the first metric and its always-valid interval at {@link #STEPS} instants from the
   * start (or four weeks before "as of") to "as of": one analysis without breakdown at each.
   */
  private static String overTime(Visit v, Experiment e, Instant asOf, Analysis.Options o) {
    Instant start = e.start() != null && e.start().isBefore(asOf) ? e.start() : asOf.minus(Duration.ofDays(28));
    Duration step = Duration.between(start, asOf).dividedBy(STEPS);
    StringJoiner at = new StringJoiner(",", "[", "]");
    Map<String, StringJoiner[]> series = new LinkedHashMap<>();
    for (int i = 1; i <= STEPS; i++) {
      Instant t = i == STEPS ? asOf : start.plus(step.multipliedBy(i));
      Analysis.Report r = Analysis.analyse(v.store().experimentReads(), e, Map.of(), t, o);
      at.add(quote(t.toString().substring(0, 10)));
      String first = e.metrics().get(0).name();
      for (Analysis.Comparison c : r.comparisons()) {
        if (c.segment() != null || !c.metric().equals(first)) {
          continue;
        }
        StringJoiner[] s = series.computeIfAbsent(c.variant().variant(), x -> new StringJoiner[] {
            new StringJoiner(",", "[", "]"), new StringJoiner(",", "[", "]"), new StringJoiner(",", "[", "]")});
        s[0].add(Numbers.json(c.test().estimate()));
        s[1].add(Numbers.json(c.test().ciLow()));
        s[2].add(Numbers.json(c.test().ciHigh()));
      }
    }
    StringJoiner variants = new StringJoiner(",", "[", "]");
    series.forEach((variant, s) -> variants.add("{\"variant\":" + quote(variant) + ",\"lift\":" + s[0] + ",\"low\":" + s[1] + ",\"high\":" + s[2] + "}"));
    return "{\"metric\":" + quote(e.metrics().get(0).name()) + ",\"at\":" + at + ",\"variants\":" + variants + "}";
  }

  /** A JSON string (the chart's data is read with JSON.parse from an attribute, which the template escapes). */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
