package io.segmenta.cli;

import io.segmenta.core.port.CohortCell;
import io.segmenta.core.store.Store;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import io.segmenta.core.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cohorts", mixinStandardHelpOptions = true,
    description = "Retention by cohort: customers by the month of their first order (rows) and how many ordered again N months later (columns).")
final class CohortsCommand extends ReportCommand implements Callable<Integer> {


  @Option(names = "--percent", description = "Show retention as a share of the cohort (table format).")
  boolean percent;

  @Mixin
  EngineOptions engine;


  @Override
  public Integer call() {
    Output.Format fmt = report.format();
    PrintWriter out = spec.commandLine().getOut();
    if (engine.onLake()) {
      try (Lake lake = engine.open()) {
        Instant at = report.asOf(lake);
        print(out, fmt, at, lake.activity().cohorts("order", at));
      }
      return 0;
    }
    try (Store s = store.open()) {
      Instant at = report.asOf(s);
      print(out, fmt, at, s.activity().cohorts("order", at));
    }
    return 0;
  }

  private void print(PrintWriter out, Output.Format fmt, Instant at, List<CohortCell> cells) {
    {
      if (fmt == Output.Format.CSV) {
        List<List<String>> rows = new ArrayList<>();
        cells.forEach(c -> rows.add(List.of(c.cohort(), Integer.toString(c.monthsSince()), Long.toString(c.customers()))));
        Output.csv(out, List.of("cohort", "months_since", "customers"), rows);
        return;
      }
      Map<String, Map<Integer, Long>> grid = new TreeMap<>();
      int maxMonths = 0;
      for (CohortCell c : cells) {
        grid.computeIfAbsent(c.cohort(), k -> new TreeMap<>()).put(c.monthsSince(), c.customers());
        maxMonths = Math.max(maxMonths, c.monthsSince());
      }
      if (fmt == Output.Format.JSON) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("as_of", at.toString());
        doc.put("cohorts", grid);
        Output.json(out, doc);
        return;
      }
      List<String> header = new ArrayList<>(List.of("cohort"));
      for (int m = 0; m <= maxMonths; m++) {
        header.add(m == 0 ? "size" : "+" + m);
      }
      List<List<String>> rows = new ArrayList<>();
      for (Map.Entry<String, Map<Integer, Long>> e : grid.entrySet()) {
        long size = e.getValue().getOrDefault(0, 0L);
        List<String> row = new ArrayList<>(List.of(e.getKey()));
        for (int m = 0; m <= maxMonths; m++) {
          Long v = e.getValue().get(m);
          row.add(v == null ? "" : m > 0 && percent ? String.format("%.0f%%", 100.0 * v / size) : String.format("%,d", v));
        }
        rows.add(row);
      }
      out.printf("Retention by first-order month %s%n%n", report.asOfLine());
      Charts.table(out, header, rows);
    }
  }
}
