package io.segmenta.web;

import io.segmenta.core.UserException;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.port.SegmentTotals;
import io.segmenta.core.port.Totals;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.ml.clv.ClvScoring;
import io.segmenta.web.auth.Role;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * CLV: predicted customer lifetime value per saved segment. The predictions are the score traits {@link ClvScoring}
 * stores ({@code clv_p_alive}, {@code clv_expected_purchases}, {@code clv_expected_value}: BG/NBD for how often a
 * customer buys again and whether they are still a customer, Gamma-Gamma for how much they spend, Fader, Hardie and Lee
 * 2005), made by {@code segmenta clv} or by the fit this page starts in the background (marketers). Each segment's
 * summary is the statistics of those traits over its members, all segments in one aggregate query
 * ({@code Audiences.segmentTotals}), also in the background: members, members with a prediction, the mean chance of
 * still being a customer, expected purchases and value per customer over the horizon, the segment's total expected
 * value and its share of everyone's.
 */
final class ClvPage {
  static final String OWNER = "clv-fit";
  static final String VALUE = "clv_expected_value";

  private ClvPage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    m.put("canFit", v.user().role().atLeast(Role.MARKETER));
    Optional<Jobs.Job> fit = v.services().jobs().latest(OWNER);
    m.put("fitStarted", fit.isPresent());
    m.put("fit", fit.map(Jobs.Job::view).orElse(Map.of()));
    // The clv_* scores change only through a fit (here, or `segmenta clv` before the server opened the store): the
    // summary's key names the last fit this app finished, by the instant it stamped on the scores. Everything that
    // reads the store runs in the job, so the page never waits behind another job's long query.
    String fitted = fit.flatMap(Jobs.Job::result).map(r -> String.valueOf(((Map<?, ?>) r).get("computedAt"))).orElse("-");
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (SegmentDefinition d : v.store().segmentDefinitions().all()) {
      rules.put(d.name(), RuleText.parseRule(d.rule()));
    }
    String key = "clv|" + fitted + "|" + Jobs.dataKey(v);
    Jobs.Job job = v.services().jobs().start(key, "summarising the predictions of " + rules.size() + " segments", progress -> {
      progress.step("reading the model's provenance");
      Optional<ScoreProvenance> made = v.store().scores().provenance(VALUE);
      if (made.isEmpty()) {
        return Map.of("scored", false);
      }
      ScoreProvenance p = made.get();
      progress.step("the predictions over everyone");
      Totals all = v.store().audiences().totals(new Rule.And(List.of()), v.asOf(), List.of(), ClvScoring.TRAITS);
      progress.step("the predictions over " + rules.size() + " segments in one query");
      SegmentTotals each = rules.isEmpty() ? null : v.store().audiences().segmentTotals(rules, v.asOf(), List.of(), ClvScoring.TRAITS);
      Map<String, Object> out = model(all, rules.isEmpty() ? Map.of() : each.totals(), rules.keySet());
      out.put("scored", true);
      out.put("modelAsOf", p.asOf() == null ? "" : p.asOf().toString().substring(0, 10));
      out.put("computedAt", p.computedAt() == null ? "" : p.computedAt().toString());
      out.put("horizon", p.parameters().getOrDefault("horizon_days", "?").replaceAll("\\.0$", ""));
      return out;
    }).await(Jobs.SHORT_WAIT);
    m.put("job", job.view());
    m.put("polling", fit.isPresent() && !fit.get().done() || !job.done());
    return m;
  }

  /** The rows (everyone first, then segments by total expected value) and the chart's series. */
  static Map<String, Object> model(Totals all, Map<String, Totals> bySegment, Iterable<String> names) {
    int alive = ClvScoring.TRAITS.indexOf("clv_p_alive");
    int purchases = ClvScoring.TRAITS.indexOf("clv_expected_purchases");
    int value = ClvScoring.TRAITS.indexOf(VALUE);
    double everyone = all.counts().get(value) == 0 ? Double.NaN : all.sums().get(value);
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> order = new ArrayList<>();
    names.forEach(order::add);
    order.sort((a, b) -> Double.compare(ranked(bySegment.get(b), value), ranked(bySegment.get(a), value)));
    StringJoiner labels = new StringJoiner(",", "[", "]");
    StringJoiner totals = new StringJoiner(",", "[", "]");
    StringJoiner means = new StringJoiner(",", "[", "]");
    for (String name : order) {
      Totals t = bySegment.get(name);
      rows.add(row(name, t, alive, purchases, value, everyone));
      labels.add(Numbers.jsonText(name));
      totals.add(Numbers.json(total(t, value)));
      means.add(Numbers.json(t.mean(value)));
    }
    Map<String, Object> m = new HashMap<>();
    m.put("everyone", row("everyone", all, alive, purchases, value, everyone));
    m.put("rows", rows);
    m.put("chart", "{\"segments\":" + labels + ",\"total\":" + totals + ",\"mean\":" + means + "}");
    m.put("predicted", all.counts().get(value) > 0);
    return m;
  }

  private static Map<String, Object> row(String name, Totals t, int alive, int purchases, int value, double everyone) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", name);
    r.put("members", Numbers.count(t.members()));
    r.put("scored", Numbers.count(t.counts().get(value)));
    r.put("alive", Numbers.percent(t.mean(alive)));
    r.put("purchases", Numbers.ratio(t.mean(purchases)));
    r.put("mean", Numbers.money(t.mean(value)));
    r.put("total", Numbers.money(total(t, value)));
    r.put("share", Numbers.percent(total(t, value) / everyone));
    return r;
  }

  private static double ranked(Totals t, int value) {
    double x = total(t, value);
    return Double.isNaN(x) ? Double.NEGATIVE_INFINITY : x;
  }

  /** A segment's total expected value: NaN when none of its members has a prediction. */
  private static double total(Totals t, int value) {
    return t == null || t.counts().get(value) == 0 ? Double.NaN : t.sums().get(value);
  }

  /**
   * Fits the models and stores every customer's prediction, in the background; the summaries follow from the new
   * scores. Marketers and admins only: it replaces the {@code clv_*} scores rules may read.
   */
  static String fit(Visit v) {
    if (!v.user().role().atLeast(Role.MARKETER)) {
      throw new UserException("fitting the CLV model needs the role marketer; you are signed in as a " + v.user().role().label());
    }
    String key = "clv-fit|" + Jobs.dataKey(v);
    v.services().jobs().start(key, "fitting the CLV model", p -> {
      p.step("summarising every customer's purchases, fitting BG/NBD and Gamma-Gamma, storing the predictions");
      Instant at = Clock.systemUTC().instant();
      ClvScoring.Result r = ClvScoring.score(v.store().activity(), v.store().scores(), v.asOf(), ClvScoring.Options.standard(), Clock.fixed(at, ZoneOffset.UTC));
      if (r.scored() == 0) {
        throw new UserException("the CLV model could not be fitted: " + r.purchases().diagnostic());
      }
      return Map.of("scored", Numbers.count(r.scored()), "customers", Numbers.count(r.purchases().customers()),
          "repeat", Numbers.count(r.purchases().repeatBuyers()), "spend", r.spend().fitted().isPresent() ? "" : r.spend().diagnostic(),
          "computedAt", at.toString());
    });
    v.services().jobs().remember(OWNER, key);
    return "fitting the CLV model in the background; the summaries appear below when ready";
  }
}
