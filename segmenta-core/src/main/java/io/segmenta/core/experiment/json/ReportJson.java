package io.segmenta.core.experiment.json;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.experiment.Analysis;
import io.segmenta.stats.SampleRatioMismatch;
import io.segmenta.stats.TestResult;
import java.util.Locale;

/**
 * The full numbers of an analysis as JSON, for the CLI's {@code --format json} and the admin API alike. Undefined
 * numbers are null; every test's diagnostic is kept next to its numbers. Rates, lifts and probabilities are
 * fractions (0.448, not "44.8%"). Each comparison's {@code p_value} is that of its {@code method}
 * ({@code pooled_two_proportion_z}, {@code welch_t} or {@code sequential}), the one {@code p_adjusted} corrects.
 */
public final class ReportJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ReportJson() {}

  public static ObjectNode toJson(Analysis.Report r) {
    ObjectNode m = F.objectNode();
    m.set("experiment", ExperimentJson.toJson(r.experiment()));
    m.put("as_of", r.asOf().toString());
    m.put("segments_as_of", r.segmentsAsOf().toString());
    ObjectNode o = m.putObject("options");
    o.put("alpha", r.options().alpha());
    o.put("sequential", r.options().sequential());
    o.put("sequential_tuning", r.options().sequentialTuning());
    o.put("correction", r.options().correction().name().toLowerCase(Locale.ROOT));
    o.put("minimum_effect", r.options().minimumEffect());
    var units = m.putArray("units");
    r.units().forEach(a -> units.addObject().put("variant", a.variant()).put("units", a.units()));
    ObjectNode srm = m.putObject("sample_ratio_mismatch");
    num(srm, "chi_square", r.srm().chiSquare());
    num(srm, "p_value", r.srm().pValue());
    srm.put("verdict", r.srm().verdict().label());
    srm.put("mismatch_below", SampleRatioMismatch.MISMATCH_BELOW);
    srm.put("watch_below", SampleRatioMismatch.WATCH_BELOW);
    srm.put("diagnostic", r.srm().diagnostic());
    m.put("multiple_variant_units", r.multipleVariantUnits());
    var heldOut = m.putArray("held_out");
    r.heldOut().forEach((by, people) -> heldOut.addObject().put("by", by).put("people", people));
    var unknown = m.putArray("unknown_variants");
    r.unknownVariants().forEach(unknown::add);
    var summary = m.putArray("summary");
    r.summary().forEach(summary::add);
    var cs = m.putArray("comparisons");
    for (Analysis.Comparison c : r.comparisons()) {
      ObjectNode x = cs.addObject();
      if (c.segment() == null) {
        x.putNull("segment");
      } else {
        x.put("segment", c.segment());
      }
      x.put("metric", c.metric());
      x.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
      x.put("guardrail", c.guardrail());
      x.put("lower_is_better", c.lowerIsBetter());
      x.put("method", c.method().id());
      num(x, "p_value", c.pValue());
      arm(x.putObject("control"), c.control());
      arm(x.putObject("variant"), c.variant());
      test(x.putObject("relative"), c.test());
      test(x.putObject("absolute"), c.absolute());
      ObjectNode b = x.putObject("bayesian");
      num(b, "chance_to_win", c.bayes().chanceToWin());
      num(b, "chance_better", c.chanceBetter());
      num(b, "risk_of_variant", c.bayes().riskOfB());
      num(b, "risk_of_control", c.bayes().riskOfA());
      num(b, "ci_low", c.bayes().ciLow());
      num(b, "ci_high", c.bayes().ciHigh());
      b.put("diagnostic", c.bayes().diagnostic());
      if (c.zTest() != null) {
        ObjectNode z = x.putObject("pooled_z");
        num(z, "z", c.zTest().z());
        num(z, "p_two_sided", c.zTest().pValue());
        num(z, "p_one_sided_better", c.zOneSidedBetter());
        z.put("diagnostic", c.zTest().diagnostic());
      }
      num(x, "p_adjusted", c.pAdjusted());
      x.put("significant", c.significant());
      x.put("units_needed_per_arm", c.unitsNeeded());
      var w = x.putArray("warnings");
      c.warnings().forEach(w::add);
    }
    return m;
  }

  private static void arm(ObjectNode o, Analysis.Arm a) {
    o.put("variant", a.variant());
    o.put("units", a.units());
    num(o, "mean", a.mean());
  }

  private static void test(ObjectNode o, TestResult t) {
    num(o, "estimate", t.estimate());
    num(o, "standard_error", t.standardError());
    num(o, "p_value", t.pValue());
    num(o, "ci_low", t.ciLow());
    num(o, "ci_high", t.ciHigh());
    o.put("diagnostic", t.diagnostic());
  }

  private static void num(ObjectNode o, String k, double v) {
    if (Double.isFinite(v)) {
      o.put(k, v);
    } else {
      o.putNull(k);
    }
  }
}
