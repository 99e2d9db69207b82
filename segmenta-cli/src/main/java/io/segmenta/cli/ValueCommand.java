package io.segmenta.cli;

import io.segmenta.core.UserException;
import io.segmenta.core.pnl.Flag;
import io.segmenta.core.pnl.Margins;
import io.segmenta.core.pnl.SegmentValue;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import io.segmenta.core.rule.RuleException;
import java.util.Locale;

@Command(name = "value", mixinStandardHelpOptions = true,
    description = {"What each segment is worth: size, revenue, returns, net revenue, profit, AOV, CLV, index; ranked, with flags",
        "(trap, too small, too mixed, stale, thin) and their evidence, and the overlap between segments.",
        "SEGMENT is a saved segment's name or a rule; with none, every saved segment."})
final class ValueCommand extends ReportCommand implements Callable<Integer> {

  @Parameters(arity = "0..*", paramLabel = "SEGMENT", description = "Saved segments' names or rules (default: every saved segment).")
  List<String> segments = new ArrayList<>();


  @Option(names = "--window", defaultValue = "in last 365 days", description = "Which events the P&L counts, in rule syntax (default: \"in last 365 days\"; \"all\" for all history).")
  String window;

  @Option(names = "--margin", paramLabel = "CATEGORY=RATE", description = "Gross margin rate: default=0.4 for all categories, or per category, e.g. luxury=0.55 (repeatable).")
  List<String> margins = new ArrayList<>();

  @Option(names = "--cost-per-return", defaultValue = "0", description = "What handling one return costs (default 0).")
  double costPerReturn;

  @Mixin
  EngineOptions engine;


  @Override
  public Integer call() {
    Output.Format fmt = report.format();
    String w = window.equals("all") ? "" : window;
    try {
      RuleText.parseRule("count(order " + w + ") >= 0");
    } catch (RuleException e) {
      throw new UserException("--window must be a window of the rule language such as \"in last 90 days\" or \"from 2024-01-01 to 2024-12-31\", got '" + window + "'");
    }
    SegmentValue.Options o = SegmentValue.Options.standard().withWindow(w);
    if (!margins.isEmpty()) {
      o = o.withMargins(margins());
    }
    if (engine.onLake()) {
      try (Lake lake = engine.open()) {
        Map<String, Rule> rules = rules(new Segments(lake.catalog(), lake.segmentDefinitions(), lake.scores(), Clock.systemUTC()), lake.segmentDefinitions().all());
        Instant at = report.asOf(lake);
        SegmentValue.Report r = SegmentValue.analyse(lake.audiences(), lake.scores(), at, rules, o);
        print(spec.commandLine().getOut(), r, fmt, o.margins() != null, List.of(), report.asOfLine());
      }
      return 0;
    }
    try (Store s = store.open()) {
      Map<String, Rule> rules = rules(new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()), s.segmentDefinitions().all());
      Instant at = report.asOf(s);
      SegmentValue.Report r = SegmentValue.analyse(s.audiences(), s.scores(), at, rules, o);
      print(spec.commandLine().getOut(), r, fmt, o.margins() != null, SegmentValue.notes(s.profiles(), r), report.asOfLine());
    }
    return 0;
  }

  /** The segments named, or every saved one. */
  private Map<String, Rule> rules(Segments saved, List<SegmentDefinition> all) {
    Map<String, Rule> rules = new LinkedHashMap<>();
    if (segments.isEmpty()) {
      for (SegmentDefinition d : all) {
        rules.put(d.name(), RuleText.parseRule(d.rule()));
      }
      if (rules.isEmpty()) {
        throw new UserException("there are no saved segments; name segments or rules to value, or save some with 'segmenta segment save'");
      }
    } else {
      for (String x : segments) {
        rules.put(x, saved.ruleOf(x));
      }
    }
    return rules;
  }

  private Margins margins() {
    double def = 0.4;
    Map<String, Double> by = new LinkedHashMap<>();
    for (String m : margins) {
      int eq = m.indexOf('=');
      if (eq <= 0) {
        throw new UserException("--margin takes CATEGORY=RATE, got '" + m + "'");
      }
      double rate;
      try {
        rate = Double.parseDouble(m.substring(eq + 1));
      } catch (NumberFormatException e) {
        throw new UserException("--margin " + m + ": the rate must be a number such as 0.35");
      }
      if (m.substring(0, eq).equals("default")) {
        def = rate;
      } else {
        by.put(m.substring(0, eq), rate);
      }
    }
    try {
      return new Margins(def, by, costPerReturn);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }

  static void print(PrintWriter out, SegmentValue.Report r, Output.Format fmt, boolean profit, List<String> notes, String asOfLine) {
    List<SegmentValue.Worth> all = new ArrayList<>(r.segments());
    all.add(r.everyone());
    List<String> header = List.of("segment", "members", "customer share", "gross revenue", "returned", "net revenue", "return rate",
        "profit", "AOV", "orders per customer", "conversion", "mean CLV", "revenue share", "index", "flags");
    if (fmt == Output.Format.JSON) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (SegmentValue.Worth w : all) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("segment", w.name());
        m.put("members", w.members());
        m.put("customer_share", Output.jsonNumber(w.customerShare()));
        m.put("gross_revenue", Output.jsonNumber(w.grossRevenue()));
        m.put("returned_value", Output.jsonNumber(w.returnedValue()));
        m.put("net_revenue", Output.jsonNumber(w.netRevenue()));
        m.put("return_rate", Output.jsonNumber(w.returnRate()));
        m.put("profit", Output.jsonNumber(w.profit()));
        m.put("average_order_value", Output.jsonNumber(w.averageOrderValue()));
        m.put("orders_per_customer", Output.jsonNumber(w.ordersPerCustomer()));
        m.put("conversion_rate", Output.jsonNumber(w.conversionRate()));
        m.put("mean_clv", Output.jsonNumber(w.meanClv()));
        m.put("revenue_share", Output.jsonNumber(w.revenueShare()));
        m.put("index", Output.jsonNumber(w.index()));
        List<Map<String, String>> flags = new ArrayList<>();
        w.flags().forEach(f -> flags.add(Map.of("kind", f.kind().name().toLowerCase(Locale.ROOT), "evidence", f.evidence())));
        m.put("flags", flags);
        rows.add(m);
      }
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("as_of", r.asOf().toString());
      doc.put("window", r.window());
      doc.put("segments", rows);
      Map<String, Object> overlap = new LinkedHashMap<>();
      overlap.put("segments", r.overlap().names());
      overlap.put("members_in_both", r.overlap().both());
      overlap.put("jaccard", r.overlap().jaccard());
      doc.put("overlap", overlap);
      doc.put("notes", notes);
      Output.json(out, doc);
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (SegmentValue.Worth w : all) {
      boolean csv = fmt == Output.Format.CSV;
      rows.add(List.of(w.name(), csv ? Long.toString(w.members()) : String.format("%,d", w.members()),
          csv ? Output.plain(w.customerShare()) : Output.percent(w.customerShare()),
          csv ? Output.plain(w.grossRevenue()) : Output.money(w.grossRevenue()),
          csv ? Output.plain(w.returnedValue()) : Output.money(w.returnedValue()),
          csv ? Output.plain(w.netRevenue()) : Output.money(w.netRevenue()),
          csv ? Output.plain(w.returnRate()) : Output.percent(w.returnRate()),
          csv ? Output.plain(w.profit()) : Output.money(w.profit()),
          csv ? Output.plain(w.averageOrderValue()) : Output.money(w.averageOrderValue()),
          csv ? Output.plain(w.ordersPerCustomer()) : Output.money(w.ordersPerCustomer()),
          csv ? Output.plain(w.conversionRate()) : Output.percent(w.conversionRate()),
          csv ? Output.plain(w.meanClv()) : Output.money(w.meanClv()),
          csv ? Output.plain(w.revenueShare()) : Output.percent(w.revenueShare()),
          csv ? Output.plain(w.index()) : Double.isNaN(w.index()) ? "-" : String.format("%.2f", w.index()),
          String.join(" ", w.flags().stream().map(f -> f.kind().name().toLowerCase(Locale.ROOT)).toList())));
    }
    if (fmt == Output.Format.CSV) {
      Output.csv(out, header, rows);
      return;
    }
    out.printf("Segment value %s, events %s; ranked by %s%n%n", asOfLine, r.window().isBlank() ? "of all history" : r.window(), profit ? "profit" : "net revenue");
    notes.forEach(n -> out.println("note: " + n));
    if (!notes.isEmpty()) {
      out.println();
    }
    if (SegmentValue.sizesOnly(r)) {
      List<List<String>> sizes = new ArrayList<>();
      for (List<String> row : rows) {
        sizes.add(List.of(row.get(0), row.get(1), row.get(2)));
      }
      Charts.table(out, List.of("segment", "members", "share"), sizes);
      out.println();
      List<Charts.Bar> bars = new ArrayList<>();
      for (SegmentValue.Worth w : r.segments()) {
        bars.add(new Charts.Bar(w.name(), w.members(), ""));
      }
      Charts.bars(out, bars, r.everyone().members(), 30);
      return;
    }
    Charts.table(out, header, rows);
    out.println();
    out.println(profit ? "Profit:" : "Net revenue:");
    List<Charts.Bar> bars = new ArrayList<>();
    for (SegmentValue.Worth w : r.segments()) {
      bars.add(new Charts.Bar(w.name(), Math.max(0, Math.round(profit ? w.profit() : w.netRevenue())), w.has(Flag.Kind.TRAP) ? "TRAP" : ""));
    }
    Charts.bars(out, bars, 0, 30);
    boolean any = false;
    for (SegmentValue.Worth w : r.segments()) {
      for (Flag f : w.flags()) {
        if (!any) {
          out.println();
          out.println("Flags:");
          any = true;
        }
        out.printf("  %-20s %-9s %s%n", w.name(), f.kind().name().toLowerCase(Locale.ROOT), f.evidence());
      }
    }
    SegmentValue.Overlap ov = r.overlap();
    if (ov.names().size() > 1 && ov.names().size() <= 12) {
      out.println();
      out.println("Overlap (Jaccard: members in both / in either):");
      List<String> h = new ArrayList<>(List.of(""));
      for (int i = 0; i < ov.names().size(); i++) {
        h.add("#" + (i + 1));
      }
      List<List<String>> m = new ArrayList<>();
      for (int i = 0; i < ov.names().size(); i++) {
        List<String> row = new ArrayList<>(List.of("#" + (i + 1) + " " + ov.names().get(i)));
        for (int j = 0; j < ov.names().size(); j++) {
          row.add(String.format("%.2f", ov.jaccard()[i][j]));
        }
        m.add(row);
      }
      Charts.table(out, h, m);
    }
  }
}
