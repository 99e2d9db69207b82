package io.segmenta.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;

/**
 * The calls whose classes go into the class-data-sharing archive the {@code segmenta} script builds after each build
 * (docs/BENCHMARKS.md, "CLI start"); not a user command. One JVM runs the common read commands on an empty data
 * directory, so that the archive holds what each of them loads, not only what the first one does. Their output is
 * dropped; a call that fails (there is nothing to read) still loaded its classes.
 */
public final class Warmup {
  private Warmup() {}

  static final List<List<String>> CALLS = List.of(
      List.of("segment", "count", "country = \"DK\" and count(order in last 30 days) >= 1"),
      List.of("segment", "save", "warm", "orders >= 1"),
      List.of("segment", "list"),
      List.of("segment", "members", "warm", "--limit", "1"),
      List.of("stats"),
      List.of("traits"),
      List.of("value"),
      List.of("rfm"));

  /** {@code args[0]}: the data directory to use (it is created). */
  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: Warmup DATA_DIR, got " + args.length + " arguments");
    }
    PrintWriter none = new PrintWriter(Writer.nullWriter());
    for (List<String> call : CALLS) {
      String[] a = call.toArray(new String[call.size() + 2]);
      a[call.size()] = "--data-dir";
      a[call.size() + 1] = args[0];
      Main.run(a, none, none);
    }
  }
}
