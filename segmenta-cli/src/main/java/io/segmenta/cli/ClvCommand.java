package io.segmenta.cli;

import io.segmenta.core.lake.Lake;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.UserException;
import io.segmenta.core.store.Store;
import io.segmenta.ml.clv.BgNbd;
import io.segmenta.ml.clv.ClvScoring;
import io.segmenta.ml.clv.GammaGamma;
import io.segmenta.ml.clv.ModelFit;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.segmenta.core.rule.RuleText;

@Command(name = "clv", mixinStandardHelpOptions = true,
    description = {"Predict customer lifetime value: fit BG/NBD (purchases, churn) and Gamma-Gamma (spend) to every customer's",
        "purchase days up to --as-of, and store per customer clv_p_alive, clv_churn_risk, clv_expected_purchases and",
        "clv_expected_value (usable in rules). Says so, and stores nothing, when the data is too thin to trust.",
        "With --engine spark the lake's events are fitted and the scores go to its scores/clv/ (docs/spark.md)."})
final class ClvCommand extends ReportCommand implements Callable<Integer> {
  @Option(names = "--horizon-days", defaultValue = "365", description = "Horizon of expected purchases and value (default 365).")
  double horizonDays;

  @Option(names = "--unit-days", defaultValue = "1", description = "The models' time unit in days (default 1; 7 for weeks as in the CDNOW papers).")
  double unitDays;

  @Mixin
  EngineOptions engine;

  @Option(names = "--into-store", description = "With --engine spark: write the scores into the store (--data-dir) too, for the real-time and decision paths.")
  boolean intoStore;

  @Override
  public Integer call() {
    ClvScoring.Options o;
    try {
      o = new ClvScoring.Options("order", "revenue", unitDays, horizonDays);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    if (engine.onLake()) {
      try (Lake lake = engine.open()) {
        Instant at = report.asOf(lake);
        if (!intoStore) {
          print(ClvScoring.score(lake.activity(), lake.scores(), at, o, Clock.systemUTC()), lake.audiences(), at);
          return 0;
        }
        try (Store s = store.open()) {
          print(ClvScoring.score(lake.activity(), IntoStore.scores(lake.scores(), s.scores()), at, o, Clock.systemUTC()), lake.audiences(), at);
        }
      }
      return 0;
    }
    if (intoStore) {
      throw new UserException("--into-store writes a lake's results into the store: it needs --engine spark --lake DIR");
    }
    try (Store s = store.open()) {
      Instant at = report.asOf(s);
      print(ClvScoring.score(s.activity(), s.scores(), at, o, Clock.systemUTC()), s.audiences(), at);
    }
    return 0;
  }

  /** The fits, and the churn-risk bands counted by {@code audiences} over the scores just written (the store's or the lake's). */
  private void print(ClvScoring.Result r, Audiences audiences, Instant at) {
    Output.Format fmt = report.format();
    PrintWriter out = spec.commandLine().getOut();
    ModelFit<BgNbd> p = r.purchases();
    ModelFit<GammaGamma> g = r.spend();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("as_of", at.toString());
    doc.put("customers", p.customers());
    doc.put("repeat_buyers", p.repeatBuyers());
    doc.put("scored", r.scored());
    Map<String, Object> bg = new LinkedHashMap<>();
    bg.put("diagnostic", p.diagnostic());
    p.fitted().ifPresent(m -> {
      bg.put("r", m.r());
      bg.put("alpha", m.alpha());
      bg.put("a", m.a());
      bg.put("b", m.b());
      bg.put("log_likelihood", p.logLikelihood());
    });
    bg.put("method", p.method());
    doc.put("bg_nbd", bg);
    Map<String, Object> gg = new LinkedHashMap<>();
    gg.put("diagnostic", g.diagnostic());
    g.fitted().ifPresent(m -> {
      gg.put("p", m.p());
      gg.put("q", m.q());
      gg.put("gamma", m.gamma());
      gg.put("log_likelihood", g.logLikelihood());
    });
    doc.put("gamma_gamma", gg);
    if (fmt == Output.Format.JSON) {
      Output.json(out, doc);
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("BG/NBD", p.diagnostic(), p.fitted().map(m -> String.format("r=%.4f alpha=%.4f a=%.4f b=%.4f", m.r(), m.alpha(), m.a(), m.b())).orElse("-")));
    rows.add(List.of("Gamma-Gamma", g.diagnostic(), g.fitted().map(m -> String.format("p=%.4f q=%.4f gamma=%.4f", m.p(), m.q(), m.gamma())).orElse("-")));
    if (fmt == Output.Format.CSV) {
      Output.csv(out, List.of("model", "diagnostic", "parameters"), rows);
      return;
    }
    out.printf("CLV %s: %,d customers, %,d repeat buyers; horizon %.0f days%n%n", report.asOfLine(), p.customers(), p.repeatBuyers(), horizonDays);
    Charts.table(out, List.of("model", "diagnostic", "parameters"), rows);
    out.println();
    if (r.scored() == 0) {
      out.println("nothing was scored: " + p.diagnostic());
    } else {
      out.printf("scored %,d customers: clv_p_alive, clv_churn_risk, clv_expected_purchases, clv_expected_value%n", r.scored());
      out.println("churn risk:");
      List<Charts.Bar> bars = new ArrayList<>();
      String[] bands = {"clv_churn_risk < 0.25", "clv_churn_risk >= 0.25 and clv_churn_risk < 0.5", "clv_churn_risk >= 0.5 and clv_churn_risk < 0.75", "clv_churn_risk >= 0.75"};
      String[] labels = {"below 25%", "25-50%", "50-75%", "75% and above"};
      for (int i = 0; i < bands.length; i++) {
        bars.add(new Charts.Bar(labels[i], audiences.run(new AudienceQuery.Count(RuleText.parseRule(bands[i]), at)), ""));
      }
      Charts.bars(out, bars, r.scored(), 30);
    }
  }
}
