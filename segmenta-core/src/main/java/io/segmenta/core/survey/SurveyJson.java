package io.segmenta.core.survey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A survey question's cross-tabulation as JSON-ready maps, the one form the CLI ({@code segmenta survey report
 * --format json}) and the admin API ({@code GET /admin/surveys/{question}}) both write: snake_case keys, and an
 * undefined statistic (too few answers for the test) is null, since JSON has no NaN.
 */
public final class SurveyJson {
  private SurveyJson() {}

  public static Map<String, Object> crossTab(Surveys.CrossTab t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("question", t.question());
    m.put("answers", t.answers());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Surveys.Row r : t.rows()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("segment", r.segment());
      x.put("members", r.members());
      x.put("answered", r.answered());
      x.put("counts", r.counts());
      rows.add(x);
    }
    m.put("rows", rows);
    m.put("chi_square", number(t.test().chiSquare()));
    m.put("degrees_of_freedom", t.test().degreesOfFreedom());
    m.put("p_value", number(t.test().pValue()));
    m.put("diagnostic", t.test().diagnostic());
    return m;
  }

  private static Double number(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
