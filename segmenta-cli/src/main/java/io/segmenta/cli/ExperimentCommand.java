package io.segmenta.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.UserException;
import io.segmenta.core.experiment.Allocation;
import io.segmenta.core.experiment.Analysis;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.experiment.Exposures;
import io.segmenta.core.experiment.Metric;
import io.segmenta.core.experiment.json.ReportJson;
import io.segmenta.core.experiment.Targeting;
import io.segmenta.core.experiment.Variant;
import io.segmenta.core.lake.Lake;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Numbers;
import io.segmenta.core.value.Value;
import io.segmenta.stats.SampleRatioMismatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import io.segmenta.core.rfm.RfmGroups;
import picocli.CommandLine;

@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = {"A/B tests: define an experiment, assign profiles (GrowthBook-compatible hashing) and record their exposure,",
        "and analyse it per segment with statistics you can look at every day."},
    subcommands = {ExperimentCommand.Create.class, ExperimentCommand.Assign.class, ExperimentCommand.Analyze.class,
        ExperimentCommand.Show.class, ExperimentCommand.ListExperiments.class, ExperimentCommand.Delete.class})
final class ExperimentCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Create (or replace) an experiment, from options or from a JSON file (GrowthBook's experiment JSON is accepted).",
          "Example: segmenta experiment create hero-test --variants control,big-hero --segment champions \\",
          "           --metric 'purchase = count(order) >= 1' --metric 'revenue = sum(order.revenue)' \\",
          "           --guardrail 'return_rate = sum(return.value) / sum(order.revenue)' --window 14d"})
  static final class Create extends StoreCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "The experiment's key, e.g. hero-test (optional with --file, whose JSON names it).")
    String key;

    @Option(names = "--file", description = "Read the whole definition from a JSON file.")
    Path file;

    @Option(names = "--variants", split = ",", description = "Variant keys, control first (default control,treatment).")
    List<String> variants;

    @Option(names = "--weights", split = ",", description = "Traffic share of each variant, summing to 1 (default equal).")
    List<Double> weights;

    @Option(names = "--coverage", defaultValue = "1", description = "Share of eligible units that take part (default 1).")
    double coverage;

    @Option(names = "--segment", description = "Only members of this saved segment are eligible.")
    String segment;

    @Option(names = "--condition", description = "Only units whose attributes meet this condition (rule text or GrowthBook JSON).")
    String condition;

    @Option(names = "--namespace", paramLabel = "ID:START:END", description = "Run in a slice of a namespace, e.g. checkout:0:0.5, to keep experiments apart.")
    String namespace;

    @Option(names = "--hash-version", defaultValue = "2", description = "GrowthBook hash version, 1 or 2 (default 2).")
    int hashVersion;

    @Option(names = "--seed", description = "Hash seed (default: the key).")
    String seed;

    @Option(names = "--metric", description = "A goal metric: name = definition (repeatable). A conversion compares: count(order) >= 1; a mean: sum(order.revenue); a ratio: sum(a.x) / sum(b.y).")
    List<String> metrics = new ArrayList<>();

    @Option(names = "--guardrail", description = "A metric that must not get worse (repeatable), e.g. 'return_rate = sum(return.value) / sum(order.revenue)'.")
    List<String> guardrails = new ArrayList<>();

    @Option(names = "--window", defaultValue = "14d", description = "How long after a unit's first exposure its metrics count (default 14d).")
    String window;

    @Option(names = "--exposure-filter", description = "Only exposures whose properties meet this rule count.")
    String exposureFilter;

    @Option(names = "--start", description = "First instant (or date) exposures count.")
    String start;

    @Option(names = "--stop", description = "Instant (or date) exposures stop counting.")
    String stop;

    @Option(names = "--description", description = "What the experiment tests, in words.")
    String description;

    @Override
    public Integer call() {
      Experiment e = file != null ? fromFile() : fromOptions();
      try (Store s = store.open()) {
        if (e.targeting().segment() != null) {
          new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()).ruleOf(e.targeting().segment());
          if (s.segmentDefinitions().find(e.targeting().segment()).isEmpty()) {
            throw new UserException("--segment '" + e.targeting().segment() + "' is not a saved segment; save it first with 'segmenta segment save'");
          }
        }
        for (Metric m : e.metrics()) {
          for (var a : m.aggregates()) {
            if (s.catalog().schema().eventType(a.eventType()).isEmpty()) {
              throw new UserException("metric '" + m.name() + "': unknown event type '" + a.eventType() + "'");
            }
          }
        }
        boolean replaced = s.experimentDefinitions().find(e.key()).isPresent();
        s.experimentDefinitions().save(e);
        PrintWriter out = spec.commandLine().getOut();
        out.println((replaced ? "replaced" : "created") + " experiment " + e.key() + ": " + e.allocation().variants().size() + " variants, "
            + e.metrics().size() + " metrics, window " + e.window().toDays() + " days");
        out.println(ExperimentJson.print(e));
      }
      return 0;
    }

    private Experiment fromFile() {
      if (key != null || variants != null || !metrics.isEmpty()) {
        throw new UserException("--file holds the whole definition; give either --file or KEY with options");
      }
      try {
        return ExperimentJson.parse(Files.readString(file));
      } catch (IOException ex) {
        throw new UserException("cannot read " + file + ": " + ex.getMessage());
      } catch (UserException ex) {
        throw new UserException(file + ": " + ex.getMessage());
      }
    }

    private Experiment fromOptions() {
      if (key == null) {
        throw new UserException("give the experiment's KEY (or --file)");
      }
      List<String> keys = variants == null ? List.of("control", "treatment") : variants;
      if (weights != null && weights.size() != keys.size()) {
        throw new UserException("--weights needs one weight per variant: " + keys.size() + " variants, " + weights.size() + " weights");
      }
      try {
        List<Variant> vs = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
          vs.add(new Variant(keys.get(i).trim(), weights == null ? 1.0 / keys.size() : weights.get(i), Value.NULL));
        }
        if (weights != null && Math.abs(weights.stream().mapToDouble(Double::doubleValue).sum() - 1) > 0.01) {
          throw new UserException("--weights must sum to 1, got " + weights);
        }
        Allocation a = new Allocation(vs, coverage, namespace(), "id", seed, hashVersion, null, List.of(), null, true);
        List<Metric> ms = new ArrayList<>();
        metrics.forEach(m -> ms.add(Metric.parse(m, false)));
        guardrails.forEach(m -> ms.add(Metric.parse(m, true)));
        Rule exposure = null;
        if (exposureFilter != null) {
          try {
            exposure = RuleText.parseRule(exposureFilter);
          } catch (RuleException ex) {
            throw new UserException("--exposure-filter: " + ex.getMessage());
          }
        }
        return new Experiment(key, description, a, new Targeting(segment, condition()), ms, ExperimentJson.duration(window), exposure,
            StoreOptions.instant("--start", start), StoreOptions.instant("--stop", stop));
      } catch (IllegalArgumentException ex) {
        throw new UserException(ex.getMessage());
      }
    }

    private Allocation.Namespace namespace() {
      if (namespace == null) {
        return null;
      }
      String[] p = namespace.split(":");
      try {
        return new Allocation.Namespace(p[0], Double.parseDouble(p[1]), Double.parseDouble(p[2]));
      } catch (RuntimeException ex) {
        throw new UserException("--namespace takes ID:START:END such as checkout:0:0.5, got '" + namespace + "'");
      }
    }

    private Rule condition() {
      if (condition == null) {
        return null;
      }
      try {
        return condition.trim().startsWith("{") ? RuleJson.parse(condition).rule() : RuleText.parseRule(condition);
      } catch (RuleException ex) {
        throw new UserException("--condition: " + ex.getMessage());
      }
    }
  }

  @Command(name = "assign", mixinStandardHelpOptions = true,
      description = {"Decide the variant of profiles (or anonymous visitors) and record their exposure.",
          "The same unit always gets the same variant, and the same one a GrowthBook SDK would give it;",
          "a profile id the store does not know yet is assigned on its id alone, as GrowthBook does."})
  static final class Assign extends KeyedCommand implements Callable<Integer> {
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "ID", description = "Profile ids (or anonymous ids) to assign.")
    List<String> ids;

    @Option(names = "--anonymous", description = "The ids are anonymous visitor ids, not profile ids.")
    boolean anonymous;

    @Option(names = "--attribute", paramLabel = "NAME=VALUE", description = "An attribute for the targeting condition (repeatable).")
    List<String> attributes = new ArrayList<>();

    @Option(names = "--dry-run", description = "Decide without recording exposures.")
    boolean dryRun;

    @Option(names = "--format", defaultValue = "table", description = "table (default), csv or json.")
    String format;

    @Override
    public Integer call() {
      Output.Format fmt = Output.format(format);
      Map<String, Value> context = new LinkedHashMap<>();
      for (String a : attributes) {
        int eq = a.indexOf('=');
        if (eq <= 0) {
          throw new UserException("--attribute takes NAME=VALUE, got '" + a + "'");
        }
        context.put(a.substring(0, eq), new Value.Str(a.substring(eq + 1)));
      }
      List<List<String>> rows = new ArrayList<>();
      List<Map<String, Object>> json = new ArrayList<>();
      try (Store s = store.open()) {
        Experiment e = Exposures.require(s.experimentDefinitions(), key);
        Exposures x = new Exposures(s.profiles(), new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()), Clock.systemUTC());
        for (String id : ids) {
          Exposures.Outcome o = x.assign(e, anonymous ? null : id, anonymous ? id : null, context, !dryRun);
          rows.add(List.of(id, o.decision().inExperiment() ? o.decision().variantKey() : "-", o.decision().inExperiment() ? "yes" : "no",
              o.recorded() ? "recorded" : "", o.decision().reason() + (o.newProfile() ? " (no profile yet: decided on the id alone)" : "")));
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", id);
          m.put("in_experiment", o.decision().inExperiment());
          m.put("variant", o.decision().inExperiment() ? o.decision().variantKey() : null);
          m.put("hash_used", o.decision().hashUsed());
          m.put("exposure_recorded", o.recorded());
          m.put("reason", o.decision().reason());
          m.put("new_profile", o.newProfile());
          json.add(m);
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      List<String> header = List.of("id", "variant", "in experiment", "exposure", "why");
      switch (fmt) {
        case JSON -> Output.json(out, json);
        case CSV -> Output.csv(out, header, rows);
        default -> Charts.table(out, header, rows);
      }
      return 0;
    }
  }

  @Command(name = "analyze", aliases = "analyse", mixinStandardHelpOptions = true,
      description = {"What won, how sure, and for whom: every metric of every variant against the control, overall and per segment,",
          "with multiple-testing correction across segments and a warning where a segment is too small.",
          "With --engine spark: the definition from the store (--data-dir), exposures and metrics from the lake (docs/spark.md)."})
  static final class Analyze extends ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KEY", description = "The experiment's key.")
    String key;

    @Option(names = "--by", paramLabel = "SEGMENT", description = "Break down by a saved segment or a rule (repeatable); 'rfm' for the RFM groups.")
    List<String> by = new ArrayList<>();

    @Option(names = "--sequential", description = "Always-valid intervals: safe to look at every day.")
    boolean sequential;

    @Option(names = "--tuning", defaultValue = "5000", description = "Sequential tuning N*, the units where the interval is tightest (default 5000).")
    double tuning;

    @Option(names = "--correction", defaultValue = "holm", description = "Across segments: holm (default), bh (Benjamini-Hochberg) or none.")
    String correction;

    @Option(names = "--alpha", defaultValue = "0.05", description = "Significance level (default 0.05).")
    double alpha;

    @Option(names = "--mde", defaultValue = "0.10", description = "Relative lift a segment must be big enough to detect; smaller segments get a warning (default 0.10).")
    double mde;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() {
      Analysis.Correction c = switch (correction.toLowerCase(Locale.ROOT)) {
        case "holm" -> Analysis.Correction.HOLM;
        case "bh", "benjamini-hochberg" -> Analysis.Correction.BENJAMINI_HOCHBERG;
        case "none" -> Analysis.Correction.NONE;
        default -> throw new UserException("--correction must be holm, bh or none, got '" + correction + "'");
      };
      Analysis.Options o;
      try {
        o = new Analysis.Options(alpha, sequential, tuning, c, mde);
      } catch (IllegalArgumentException ex) {
        throw new UserException(ex.getMessage());
      }
      Output.Format fmt = report.format();
      if (engine.onLake()) {
        // The definition stays where 'experiment create' and the server keep it, the store; the exposures and metrics
        // are the lake's events, the breakdown's segments the lake's (docs/spark.md).
        Experiment e;
        try (Store s = store.openReadOnly()) {
          e = Exposures.require(s.experimentDefinitions(), key);
        } catch (UserException ex) {
          throw new UserException(ex.getMessage() + " (with --engine spark the definition is read from the store at --data-dir, the exposures from the lake)");
        }
        try (Lake lake = engine.open()) {
          Map<String, Rule> segments = breakdown(new Segments(lake.catalog(), lake.segmentDefinitions(), lake.scores(), Clock.systemUTC()));
          print(out(), Analysis.analyse(lake.experimentReads(), e, segments, report.asOf(lake), o), fmt);
        }
        return 0;
      }
      try (Store s = store.open()) {
        Experiment e = Exposures.require(s.experimentDefinitions(), key);
        Map<String, Rule> segments = breakdown(new Segments(s.catalog(), s.segmentDefinitions(), s.scores(), Clock.systemUTC()));
        Instant at = report.asOf(s);
        Analysis.Report r = Analysis.analyse(s.experimentReads(), e, segments, at, o);
        print(out(), r, fmt);
      }
      return 0;
    }

    /** The --by segments: saved ones (or rules) read through {@code saved}, 'rfm' for the RFM groups. */
    private Map<String, Rule> breakdown(Segments saved) {
      Map<String, Rule> segments = new LinkedHashMap<>();
      for (String x : by) {
        if (x.equals("rfm")) {
          for (String g : RfmGroups.NAMES) {
            segments.put(g, RuleText.parseRule("rfm_group = \"" + g + "\""));
          }
        } else {
          segments.put(x, saved.ruleOf(x));
        }
      }
      return segments;
    }

    static void print(PrintWriter out, Analysis.Report r, Output.Format fmt) {
      if (fmt == Output.Format.CSV) {
        csv(out, r);
        return;
      }
      if (fmt == Output.Format.JSON) {
        Output.json(out, new ObjectMapper().convertValue(ReportJson.toJson(r), Map.class));
        return;
      }
      List<String> header = List.of("segment", "metric", "variant", "units", "control", "variant value", "lift", "interval", "test", "p",
          "p adjusted", "chance better", "result", "warnings");
      List<List<String>> rows = new ArrayList<>();
      for (Analysis.Comparison c : r.comparisons()) {
        boolean conv = c.kind() == Metric.Kind.CONVERSION;
        rows.add(List.of(c.segment() == null ? "everyone" : c.segment(), c.metric() + (c.guardrail() ? " (guardrail)" : ""), c.variant().variant(),
            String.format(Locale.ROOT, "%,d / %,d", c.control().units(), c.variant().units()),
            conv ? Output.percent(c.control().mean()) : Output.money(c.control().mean()),
            conv ? Output.percent(c.variant().mean()) : Output.money(c.variant().mean()),
            Output.percent(c.test().estimate()),
            Double.isNaN(c.test().ciLow()) ? "-" : Output.percent(c.test().ciLow()) + " .. " + Output.percent(c.test().ciHigh()),
            c.method().label(), p(c.pValue()), c.segment() == null ? "" : p(c.pAdjusted()), Output.percent(c.chanceBetter()),
            result(c), String.join("; ", c.warnings())));
      }
      out.println("experiment " + r.experiment().key() + " as of " + r.asOf() + (r.options().sequential() ? " (sequential: safe to peek)" : ""));
      StringBuilder units = new StringBuilder("units:");
      r.units().forEach(a -> units.append(String.format(Locale.ROOT, " %s %,d", a.variant(), a.units())));
      SampleRatioMismatch.Result srm = r.srm();
      out.println(units + String.format(Locale.ROOT, "; sample ratio p = %s: %s (mismatch below %s, watch below %s)", p(srm.pValue()),
          srm.verdict() == SampleRatioMismatch.Verdict.UNKNOWN ? srm.diagnostic() : srm.verdict().label(),
          SampleRatioMismatch.MISMATCH_BELOW, SampleRatioMismatch.WATCH_BELOW));
      out.println();
      r.summary().forEach(out::println);
      out.println();
      Charts.table(out, header, rows);
      out.println();
      out.println("control, variant value: conversion rate (%) or mean per unit; lift: relative to the control, with its "
          + (r.options().sequential() ? "always-valid" : Math.round(100 * (1 - r.options().alpha())) + " %") + " interval (delta method).");
      out.println("test: the test behind p: 'pooled z' is the two-proportion z test with pooled variance (0/1 metrics), "
          + "'Welch t' Welch's t test of the lift (means, ratios), 'sequential' the always-valid test.");
      out.println("p adjusted: " + switch (r.options().correction()) {
        case HOLM -> "Holm";
        case BENJAMINI_HOCHBERG -> "Benjamini-Hochberg";
        case NONE -> "no";
      } + " correction across the segments of a breakdown; the 'everyone' row is not corrected.");
    }

    private static String result(Analysis.Comparison c) {
      return c.better() ? "better" : c.worse() ? "worse" : c.significant() ? "different" : "no difference";
    }

    /**
     * The analysis as numbers for a spreadsheet or a notebook: rates, lifts and chances as fractions (0.448, never
     * "44.8%"), with column names that say so; the split check repeated on each row so one file carries it.
     */
    private static void csv(PrintWriter out, Analysis.Report r) {
      List<String> header = List.of("segment", "metric", "kind", "guardrail", "variant", "control_units", "variant_units", "value_unit",
          "control_value", "variant_value", "lift_fraction", "lift_ci_low_fraction", "lift_ci_high_fraction", "difference", "method",
          "p_value", "p_adjusted", "chance_better_fraction", "result", "srm_p_value", "srm_verdict", "warnings");
      List<List<String>> rows = new ArrayList<>();
      for (Analysis.Comparison c : r.comparisons()) {
        String unit = switch (c.kind()) {
          case CONVERSION -> "rate_fraction";
          case MEAN -> "mean_per_unit";
          case RATIO -> "ratio_of_totals";
        };
        rows.add(List.of(c.segment() == null ? "" : c.segment(), c.metric(), c.kind().name().toLowerCase(Locale.ROOT), Boolean.toString(c.guardrail()),
            c.variant().variant(), Long.toString(c.control().units()), Long.toString(c.variant().units()), unit,
            number(c.control().mean()), number(c.variant().mean()), number(c.test().estimate()), number(c.test().ciLow()), number(c.test().ciHigh()),
            number(c.absolute().estimate()), c.method().id(), number(c.pValue()), number(c.pAdjusted()), number(c.chanceBetter()),
            result(c).replace(' ', '_'), number(r.srm().pValue()), r.srm().verdict().label(), String.join("; ", c.warnings())));
      }
      Output.csv(out, header, rows);
    }

    /** Full precision, empty when undefined: a p-value of 1e-9 must not round to 0. */
    private static String number(double v) {
      return Double.isFinite(v) ? Numbers.format(v) : "";
    }

    static String p(double p) {
      return Double.isNaN(p) ? "-" : p < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p);
    }

  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Print an experiment's definition as JSON.")
  static final class Show extends KeyedCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Store s = store.open()) {
        Output.json(spec.commandLine().getOut(), new ObjectMapper().convertValue(ExperimentJson.toJson(Exposures.require(s.experimentDefinitions(), key)), Map.class));
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List experiments.")
  static final class ListExperiments extends StoreCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      List<List<String>> rows = new ArrayList<>();
      try (Store s = store.open()) {
        for (Experiment e : s.experimentDefinitions().all()) {
          rows.add(List.of(e.key(), String.join(", ", e.allocation().variants().stream().map(Variant::key).toList()),
              e.targeting().segment() == null ? "everyone" : e.targeting().segment(),
              String.join(", ", e.metrics().stream().map(Metric::name).toList())));
        }
      }
      Charts.table(spec.commandLine().getOut(), List.of("experiment", "variants", "segment", "metrics"), rows);
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an experiment's definition (its exposure events stay).")
  static final class Delete extends KeyedCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Store s = store.open()) {
        if (!s.experimentDefinitions().delete(key)) {
          throw new UserException("there is no experiment '" + key + "'");
        }
      }
      spec.commandLine().getOut().println("deleted experiment " + key);
      return 0;
    }
  }
}
