package io.segmenta.cli;

import java.io.PrintWriter;
import java.util.List;

/** Horizontal bar charts and aligned tables for the terminal. */
final class Charts {
  private Charts() {}

  record Bar(String label, long value, String note) {}

  /** Bars scaled to the largest value, each with its value and share of {@code total}. */
  static void bars(PrintWriter out, List<Bar> bars, long total, int width) {
    long max = bars.stream().mapToLong(Bar::value).max().orElse(1);
    int labelWidth = bars.stream().mapToInt(b -> b.label().length()).max().orElse(5);
    for (Bar b : bars) {
      int n = max == 0 ? 0 : (int) Math.round(b.value() * (double) width / max);
      String share = total > 0 ? String.format("%5.1f%%", 100.0 * b.value() / total) : "";
      out.printf("  %-" + labelWidth + "s %s%s %,8d %s  %s%n", b.label(), "█".repeat(n), " ".repeat(width - n), b.value(), share, b.note());
    }
  }

  /** Bars of rates (0..1) scaled to the largest, each with its rate and a note. */
  static void rates(PrintWriter out, List<String> labels, List<Double> rates, List<String> notes, int width) {
    double max = rates.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).max().orElse(0);
    int labelWidth = labels.stream().mapToInt(String::length).max().orElse(5);
    for (int i = 0; i < labels.size(); i++) {
      double r = rates.get(i);
      int n = max <= 0 || !Double.isFinite(r) ? 0 : (int) Math.round(r * width / max);
      out.printf("  %-" + labelWidth + "s %s%s %6s  %s%n", labels.get(i), "█".repeat(n), " ".repeat(width - n), Output.percent(r), notes.get(i));
    }
  }

  /** A table with a header row; columns sized to their widest cell. */
  static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    line(out, header, w);
    StringBuilder sep = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      sep.append(i > 0 ? "  " : "").append("-".repeat(w[i]));
    }
    out.println(sep);
    rows.forEach(r -> line(out, r, w));
  }

  private static void line(PrintWriter out, List<String> cells, int[] w) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      sb.append(i > 0 ? "  " : "").append(String.format("%-" + w[i] + "s", cells.get(i)));
    }
    out.println(sb.toString().stripTrailing());
  }
}
