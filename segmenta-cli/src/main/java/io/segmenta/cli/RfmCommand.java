package io.segmenta.cli;

import io.segmenta.core.store.Store;
import io.segmenta.core.rfm.Rfm;
import io.segmenta.core.rfm.RfmGroups;
import io.segmenta.core.segment.Segments;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import io.segmenta.core.lake.Lake;
import io.segmenta.core.port.Scores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.segmenta.core.UserException;
import io.segmenta.core.rule.RuleException;

@Command(name = "rfm", mixinStandardHelpOptions = true,
    description = {"Score every customer's recency, frequency and monetary value in quintiles (1-5), store the scores and",
        "named groups (Champions ... Lost) with their as-of, and save each group as a built-in segment (rfm-champions, ...).",
        "Recency: days since the last order; frequency: orders; monetary: net revenue (returns subtracted).",
        "Equal values always get the same score (docs/value.md)."})
final class RfmCommand extends ReportCommand implements Callable<Integer> {
  @Option(names = "--period", defaultValue = "", description = "The period scored, in rule syntax, e.g. \"in last 365 days\" (default: all history up to --as-of).")
  String period;

  @Mixin
  EngineOptions engine;

  @Option(names = "--into-store", description = "With --engine spark: write the scores and the rfm-* segments into the store (--data-dir) too, for the real-time and decision paths.")
  boolean intoStore;

  @Override
  public Integer call() {
    Rfm.Spec rfmSpec;
    try {
      rfmSpec = Rfm.Spec.over(period);
    } catch (RuleException e) {
      throw new UserException("--period must be a window of the rule language such as \"in last 365 days\", got '" + period + "'");
    }
    if (engine.onLake()) {
      try (Lake lake = engine.open()) {
        Instant at = report.asOf(lake);
        if (!intoStore) {
          print(Rfm.score(lake.audiences(), lake.scores(), at, rfmSpec,
              new Segments(lake.catalog(), lake.segmentDefinitions(), lake.scores(), Clock.systemUTC()), Clock.systemUTC()), at, "lake");
          return 0;
        }
        try (Store s = store.open()) {
          Scores both = IntoStore.scores(lake.scores(), s.scores());
          print(Rfm.score(lake.audiences(), both, at, rfmSpec,
              new Segments(lake.catalog(), IntoStore.definitions(lake.segmentDefinitions(), s.segmentDefinitions()), both, Clock.systemUTC()),
              Clock.systemUTC()), at, "lake and store");
        }
      }
      return 0;
    }
    if (intoStore) {
      throw new UserException("--into-store writes a lake's results into the store: it needs --engine spark --lake DIR");
    }
    try (Store s = store.open()) {
      Instant at = report.asOf(s);
      print(Rfm.score(s.audiences(), s.scores(), at, rfmSpec, new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()), Clock.systemUTC()),
          at, "store");
    }
    return 0;
  }

  private void print(Rfm.Result r, Instant at, String where) {
      Output.Format fmt = report.format();
      PrintWriter out = spec.commandLine().getOut();
      {
      Map<String, double[]> sums = new LinkedHashMap<>();
      RfmGroups.NAMES.forEach(g -> sums.put(g, new double[4]));
      for (Rfm.Row row : r.rows()) {
        double[] x = sums.get(row.group());
        x[0]++;
        x[1] += row.recency();
        x[2] += row.frequency();
        x[3] += row.monetary();
      }
      List<List<String>> rows = new ArrayList<>();
      List<List<String>> csvRows = new ArrayList<>();
      List<Map<String, Object>> json = new ArrayList<>();
      long total = r.rows().size();
      for (Map.Entry<String, double[]> e : sums.entrySet()) {
        double[] x = e.getValue();
        double n = x[0];
        rows.add(List.of(e.getKey(), RfmGroups.segmentName(e.getKey()), String.format("%,d", (long) n), Output.percent(total == 0 ? Double.NaN : n / total),
            Output.money(n == 0 ? Double.NaN : x[1] / n), Output.money(n == 0 ? Double.NaN : x[2] / n), Output.money(n == 0 ? Double.NaN : x[3] / n)));
        csvRows.add(List.of(e.getKey(), RfmGroups.segmentName(e.getKey()), Long.toString((long) n), Output.plain(total == 0 ? Double.NaN : n / total),
            Output.plain(n == 0 ? Double.NaN : x[1] / n), Output.plain(n == 0 ? Double.NaN : x[2] / n), Output.plain(n == 0 ? Double.NaN : x[3] / n)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", e.getKey());
        m.put("segment", RfmGroups.segmentName(e.getKey()));
        m.put("customers", (long) n);
        m.put("mean_recency_days", Output.jsonNumber(n == 0 ? Double.NaN : x[1] / n));
        m.put("mean_frequency", Output.jsonNumber(n == 0 ? Double.NaN : x[2] / n));
        m.put("mean_monetary", Output.jsonNumber(n == 0 ? Double.NaN : x[3] / n));
        json.add(m);
      }
      List<String> header = List.of("group", "segment", "customers", "share", "mean recency (days)", "mean orders", "mean net revenue");
      switch (fmt) {
        case JSON -> Output.json(out, Map.of("as_of", at.toString(), "customers", total, "groups", json));
        case CSV -> Output.csv(out, header, csvRows);
        default -> {
          out.printf("RFM %s: %,d customers scored; scores stored, built-in segments rfm-* saved (%s)%n%n", report.asOfLine(), total, where);
          Charts.table(out, header, rows);
          out.println();
          List<Charts.Bar> bars = new ArrayList<>();
          sums.forEach((g, x) -> bars.add(new Charts.Bar(g, (long) x[0], "")));
          Charts.bars(out, bars, total, 30);
        }
      }
    }
  }
}
