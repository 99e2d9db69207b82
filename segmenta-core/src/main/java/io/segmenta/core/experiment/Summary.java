package io.segmenta.core.experiment;

import io.segmenta.stats.SampleRatioMismatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report in sentences a marketer reads: what won, how sure, for whom, and what to distrust. */
final class Summary {
  private Summary() {}

  static List<String> of(Analysis.Report r) {
    List<String> out = new ArrayList<>();
    if (r.srm() != null && r.srm().verdict() == SampleRatioMismatch.Verdict.MISMATCH) {
      out.add(String.format(Locale.ROOT, "Warning: the split between variants is not what was configured (sample ratio mismatch, p = %.2g < %s); "
          + "check how exposures are recorded before trusting any result.", r.srm().pValue(), SampleRatioMismatch.MISMATCH_BELOW));
    } else if (r.srm() != null && r.srm().verdict() == SampleRatioMismatch.Verdict.WATCH) {
      out.add(String.format(Locale.ROOT, "Watch: the split between variants is a little off (sample ratio p = %.2g, below %s but not below %s); "
          + "by chance this happens about once in 100 looks; if it keeps falling, check how exposures are recorded.",
          r.srm().pValue(), SampleRatioMismatch.WATCH_BELOW, SampleRatioMismatch.MISMATCH_BELOW));
    }
    if (r.multipleVariantUnits() > 0) {
      out.add(String.format(Locale.ROOT, "%,d units saw more than one variant and are left out.", r.multipleVariantUnits()));
    }
    r.heldOut().forEach((by, people) -> out.add(String.format(Locale.ROOT,
        "%,d %s held out by %s: shown it instead of a variant, they are not units of this analysis.", people, people == 1 ? "person was" : "people were", by)));
    for (Analysis.Comparison c : r.comparisons()) {
      if (c.segment() != null) {
        continue;
      }
      out.add(overall(c, r.options()));
      List<String> better = new ArrayList<>();
      List<String> worse = new ArrayList<>();
      for (Analysis.Comparison s : r.comparisons()) {
        if (s.segment() != null && s.metric().equals(c.metric()) && s.variant().variant().equals(c.variant().variant())) {
          if (s.better()) {
            better.add(s.segment() + " (" + pct(s.test().estimate()) + ")");
          } else if (s.worse()) {
            worse.add(s.segment() + " (" + pct(s.test().estimate()) + ")");
          }
        }
      }
      String corr = r.options().correction() == Analysis.Correction.NONE ? "" : " after correcting for " + r.segments().size() + " segments";
      if (!better.isEmpty()) {
        out.add("  Better" + corr + " for: " + String.join(", ", better) + ".");
      }
      if (!worse.isEmpty()) {
        out.add("  Worse" + corr + " for: " + String.join(", ", worse) + ".");
      }
    }
    return out;
  }

  private static String overall(Analysis.Comparison c, Analysis.Options o) {
    String what = c.guardrail() ? "guardrail " + c.metric() : c.metric();
    String vs = String.format(Locale.ROOT, "%s vs %s", value(c, c.variant().mean()), value(c, c.control().mean()));
    if (!c.test().ok()) {
      return String.format(Locale.ROOT, "%s, '%s' vs '%s': no result (%s).", what, c.variant().variant(), c.control().variant(), c.test().diagnostic());
    }
    String direction = c.test().estimate() >= 0 ? "higher" : "lower";
    String sure = String.format(Locale.ROOT, "%s p = %.3g, %s interval %s to %s; chance it is better %.0f %%", c.method().label(), c.pValue(),
        o.sequential() ? "always-valid" : "95 %", pct(c.test().ciLow()), pct(c.test().ciHigh()), 100 * c.chanceBetter());
    String verdict;
    if (c.better()) {
      verdict = c.guardrail() ? "the guardrail improved" : "'" + c.variant().variant() + "' wins";
    } else if (c.worse()) {
      verdict = c.guardrail() ? "the guardrail got worse: do not ship without a look" : "'" + c.variant().variant() + "' loses";
    } else {
      verdict = "no significant difference";
    }
    return String.format(Locale.ROOT, "%s: '%s' is %s %s than '%s' (%s); %s (%s).", what, c.variant().variant(),
        String.format(Locale.ROOT, "%.1f %%", 100 * Math.abs(c.test().estimate())), direction, c.control().variant(), vs, verdict, sure);
  }

  private static String value(Analysis.Comparison c, double v) {
    return c.kind() == Metric.Kind.CONVERSION ? String.format(Locale.ROOT, "%.2f %%", 100 * v) : String.format(Locale.ROOT, "%.4g", v);
  }

  static String pct(double x) {
    return String.format(Locale.ROOT, "%+.1f %%", 100 * x).replace("+-", "-");
  }
}
