package io.segmenta.core.journey.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.journey.JourneyReport;
import io.segmenta.stats.TestResult;

/** The JSON form of a {@link JourneyReport}: what the API answers and {@code segmenta journey status --json} prints. */
public final class JourneyReportJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JourneyReportJson() {}

  public static ObjectNode toJson(JourneyReport.Report r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", r.journey()).put("version", r.version()).put("window", r.window().toString());
    o.put("entered", r.entered()).put("in_progress", r.inProgress()).put("sent", r.sent()).put("goal", r.goal()).put("held_out", r.heldOut());
    o.put("revenue", r.revenue());
    ObjectNode steps = o.putObject("steps");
    r.steps().forEach(steps::put);
    if (r.conversion() != null) {
      ObjectNode h = o.putObject("holdout");
      h.put("percent", r.holdoutPercent());
      arm(h.putObject("treatment"), r.treatment());
      arm(h.putObject("holdout"), r.holdout());
      lift(h.putObject("conversion_lift"), r.conversion());
      lift(h.putObject("revenue_per_entry_lift"), r.revenuePerEntry());
    }
    return o;
  }

  private static void arm(ObjectNode o, JourneyReport.Arm a) {
    o.put("entries", a.entries()).put("converted", a.converted()).put("revenue", a.revenue());
    number(o, "conversion_rate", a.conversionRate());
    number(o, "revenue_per_entry", a.revenuePerEntry());
  }

  private static void lift(ObjectNode o, JourneyReport.Lift l) {
    result(o.putObject("absolute"), l.absolute());
    result(o.putObject("relative"), l.relative());
  }

  private static void result(ObjectNode o, TestResult t) {
    if (!t.ok()) {
      o.put("diagnostic", t.diagnostic());
      return;
    }
    o.put("estimate", t.estimate()).put("ci_low", t.ciLow()).put("ci_high", t.ciHigh()).put("p_value", t.pValue());
  }

  private static void number(ObjectNode o, String name, double v) {
    if (Double.isFinite(v)) {
      o.put(name, v);
    } else {
      o.putNull(name);
    }
  }
}
