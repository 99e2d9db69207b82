package io.segmenta.web;

import io.segmenta.core.UserException;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.survey.Surveys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * Surveys: how a question was answered in each saved segment, as {@code segmenta survey} and
 * {@code GET /admin/surveys/{question}} report it ({@link Surveys#crossTab}): members, how many answered, each answer's
 * share, and a chi-square test of whether the answers differ across segments. Only counts: no respondent is shown.
 */
final class SurveysPage {
  private SurveysPage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    TreeSet<String> questions = new TreeSet<>();
    for (TraitDef t : v.store().catalog().schema().traits()) {
      if (t.name().startsWith("survey_") && t.type() != ValueType.TIMESTAMP) {
        questions.add(t.name().substring("survey_".length()));
      }
    }
    m.put("questions", new ArrayList<>(questions));
    String q = v.ctx().queryParam("question");
    q = q == null || q.isBlank() ? (questions.isEmpty() ? "" : questions.first()) : q.trim();
    m.put("question", q);
    m.put("started", false);
    m.put("job", Map.of());
    m.put("problem", "");
    if (q.isEmpty()) {
      return m;
    }
    Map<String, Rule> rules = new LinkedHashMap<>();
    for (SegmentDefinition d : v.store().segmentDefinitions().all()) {
      rules.put(d.name(), RuleText.parseRule(d.rule()));
    }
    if (rules.isEmpty()) {
      m.put("problem", "no saved segments to compare the answers across");
      return m;
    }
    try {
      if (v.store().catalog().schema().trait(Surveys.trait(q)).isEmpty()) {
        throw new UserException("no survey answers to '" + q + "' were imported (no trait " + Surveys.trait(q) + ")");
      }
      String question = q;
      m.put("started", true);
      m.put("job", v.services().jobs().start("surveys|" + q + "|" + Jobs.dataKey(v), "answers to " + q + " by segment", p -> {
        p.step("counting answers in " + rules.size() + " segments");
        return model(Surveys.crossTab(v.store().catalog(), v.store().audiences(), question, rules, v.asOf()));
      }).await(Jobs.SHORT_WAIT).view());
    } catch (UserException e) {
      m.put("problem", e.getMessage());
    }
    return m;
  }

  static Map<String, Object> model(Surveys.CrossTab t) {
    List<Map<String, Object>> rows = new ArrayList<>();
    StringJoiner segments = new StringJoiner(",", "[", "]");
    List<StringJoiner> shares = new ArrayList<>();
    for (int i = 0; i < t.answers().size(); i++) {
      shares.add(new StringJoiner(",", "[", "]"));
    }
    for (Surveys.Row r : t.rows()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("segment", r.segment());
      row.put("members", Numbers.count(r.members()));
      row.put("answered", Numbers.count(r.answered()));
      row.put("coverage", Numbers.percent(r.coverage()));
      List<String> cells = new ArrayList<>();
      segments.add(Numbers.jsonText(r.segment()));
      for (int i = 0; i < t.answers().size(); i++) {
        long n = r.counts().getOrDefault(t.answers().get(i), 0L);
        double share = r.answered() == 0 ? Double.NaN : (double) n / r.answered();
        cells.add(Numbers.count(n) + " (" + Numbers.percent(share) + ")");
        shares.get(i).add(Numbers.json(share));
      }
      row.put("cells", cells);
      rows.add(row);
    }
    StringJoiner series = new StringJoiner(",", "[", "]");
    for (int i = 0; i < t.answers().size(); i++) {
      series.add("{\"name\":" + Numbers.jsonText(t.answers().get(i)) + ",\"data\":" + shares.get(i) + "}");
    }
    Map<String, Object> m = new HashMap<>();
    m.put("answers", t.answers());
    m.put("rows", rows);
    m.put("test", t.test() == null ? "" : t.test().ok()
        ? "chi-square " + Numbers.ratio(t.test().chiSquare()) + " with " + t.test().degreesOfFreedom() + " degrees of freedom, p = "
            + String.format(Locale.ROOT, "%.3g", t.test().pValue())
        : t.test().diagnostic());
    m.put("chart", "{\"segments\":" + segments + ",\"series\":" + series + "}");
    return m;
  }
}
