package io.segmenta.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.segmenta.core.UserException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.segmenta.core.value.Numbers;

/** Writes a report as an aligned table (for people), CSV (for spreadsheets) or JSON (for programs). */
final class Output {
  enum Format { TABLE, CSV, JSON }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Output() {}

  static Format format(String s) {
    try {
      return Format.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserException("--format must be table, csv or json, got '" + s + "'");
    }
  }

  static void csv(PrintWriter out, List<String> header, List<List<String>> rows) {
    out.println(String.join(",", header.stream().map(Output::quote).toList()));
    rows.forEach(r -> out.println(String.join(",", r.stream().map(Output::quote).toList())));
  }

  static void json(PrintWriter out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The instant a result was computed at and how it was chosen, e.g. {@code as of 2011-12-09T12:50:00Z (latest
   * event)}: every result names it, so it can be reproduced with {@code --as-of} and an empty one explained.
   */
  static String asOf(StoreOptions.AsOf at) {
    return "as of " + at.instant() + " (" + at.how() + ")";
  }

  /** Notes go to standard error, one line each, so they never mix with a result a program reads. */
  static void notes(PrintWriter err, List<String> notes) {
    notes.forEach(n -> err.println("note: " + n));
  }

  /** Warnings on standard error: what a rule does that its author may not have meant. */
  static void warnings(PrintWriter err, List<String> warnings) {
    warnings.forEach(w -> err.println("warning: " + w));
  }

  /** A number for people: thousands separators, two decimals, "-" when undefined. */
  static String money(double v) {
    return Double.isNaN(v) ? "-" : String.format("%,.2f", v);
  }

  static String percent(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.1f%%", 100 * v);
  }

  /** A number for machines: plain, empty when undefined. */
  static String plain(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "" : Numbers.format(Math.round(v * 1e6) / 1e6);
  }

  /** NaN has no JSON form; null stands for "undefined". */
  static Double jsonNumber(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }

  private static String quote(String s) {
    return s.matches("[^,\"\\n\\r]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
