package io.segmenta.cli;

import io.segmenta.core.segment.BeforeSaving;
import java.io.PrintWriter;
import java.util.Locale;

/** How {@code segment check --preview} prints a rule's before-saving figures: the funnel, the reach per purpose, the cost. */
final class PreviewOutput {
  private PreviewOutput() {}

  static void print(PrintWriter out, BeforeSaving.Report r, String asOfLine) {
    out.println("before saving, " + asOfLine + "; " + r.how() + ":");
    out.println("funnel (size after each top-level condition):");
    int i = 1;
    for (BeforeSaving.Step s : r.funnel()) {
      out.printf(Locale.ROOT, "  %d. %s%n     %s%n", i++, count(s.size(), s.margin(), r.population()), s.condition());
    }
    out.println("reachable after consent:");
    for (BeforeSaving.Reach x : r.reach()) {
      out.printf(Locale.ROOT, "  %-16s %s%n", x.purpose(), count(x.size(), x.margin(), r.population()));
    }
    BeforeSaving.Cost c = r.cost();
    out.printf(Locale.ROOT, "cost: batch: %s rows scanned, this query %,d ms%s; real-time: %s event rows read per profile evaluated%n",
        c.rowsScanned() < 0 ? "unknown" : String.format(Locale.ROOT, "%,d", c.rowsScanned()), c.millis(),
        r.sampled() ? String.format(Locale.ROOT, " on the sample (the whole store up to %,d ms)", c.batchMillis()) : "",
        c.rowsPerProfile() < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f", c.rowsPerProfile()));
  }

  private static String count(long n, long margin, long population) {
    String share = population == 0 ? "" : String.format(Locale.ROOT, " (%.1f%%)", 100.0 * n / population);
    return margin == 0 ? String.format(Locale.ROOT, "%,d%s", n, share) : String.format(Locale.ROOT, "about %,d +/- %,d%s", n, margin, share);
  }
}
