package io.segmenta.core.experiment;

import io.segmenta.core.UserException;
import io.segmenta.core.port.ExperimentData;
import io.segmenta.core.rule.Rule;
import io.segmenta.stats.GaussianBayes;
import io.segmenta.stats.MultipleTesting;
import io.segmenta.stats.Power;
import io.segmenta.stats.ProportionsZTest;
import io.segmenta.stats.SampleRatioMismatch;
import io.segmenta.stats.SequentialTest;
import io.segmenta.stats.Statistic;
import io.segmenta.stats.TestResult;
import io.segmenta.stats.WelchTTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.segmenta.core.Preconditions;
import java.util.Locale;

/**
 * Analyses an experiment from the store's sufficient statistics: for everyone and for each segment of a breakdown,
 * every metric of every variant against the control, with
 * <ul>
 *   <li>the frequentist Welch test of the relative lift (delta method) and of the absolute difference, or, when the
 *       results are looked at while the test runs, the sequential test with always-valid intervals;</li>
 *   <li>the Gaussian Bayesian read (chance to win, risk);</li>
 *   <li>for conversions (0/1 per unit), the pooled two-proportion z-test (two-sided and one-sided "the variant is
 *       better"): with fixed-horizon intervals it is the test whose p-value decides and is corrected, because it is
 *       the textbook test a data scientist checks a binary A/B result against (Agresti 2013, section 3.1); the
 *       interval stays the delta-method one of the relative lift, which the z test has none of;</li>
 *   <li>multiple-testing correction (Holm by default, or Benjamini-Hochberg) across the segments of the breakdown,
 *       per metric and variant: the overall row is the pre-registered comparison and is not corrected;</li>
 *   <li>a warning where a segment is too small to detect the minimum detectable effect with 80 % power;</li>
 *   <li>the sample-ratio-mismatch check on the overall split, and the count of units excluded for seeing two
 *       variants;</li>
 *   <li>the people held out of the experiment by a campaign shown in its place, per campaign (no units: they saw no
 *       variant).</li>
 * </ul>
 * Degenerate cells (an empty arm, no variance) carry a diagnostic instead of numbers, never an exception.
 */
public final class Analysis {
  private Analysis() {}

  public enum Correction { HOLM, BENJAMINI_HOCHBERG, NONE }

  /** The test whose p-value a comparison reports and decides on. */
  public enum Method {
    /** Welch's t test of the relative lift, its variance from the delta method: means and ratios. */
    WELCH_T("Welch t", "welch_t"),
    /** The pooled two-proportion z test: conversions (0/1 per unit), fixed horizon. */
    POOLED_Z("pooled z", "pooled_two_proportion_z"),
    /** Always-valid sequential test of the relative lift: any metric when the results are looked at while running. */
    SEQUENTIAL("sequential", "sequential");

    private final String label;
    private final String id;

    Method(String label, String id) {
      this.label = label;
      this.id = id;
    }

    /** Short, for a table column. */
    public String label() {
      return label;
    }

    /** Stable, for JSON and CSV. */
    public String id() {
      return id;
    }
  }

  /**
   * @param alpha significance level (two-sided)
   * @param sequential use always-valid sequential intervals (safe to look at every day) instead of fixed-horizon ones
   * @param sequentialTuning the N* the sequential interval is tightest at (GrowthBook's default 5000)
   * @param minimumEffect the relative lift a segment must be big enough to detect (default 0.10)
   */
  public record Options(double alpha, boolean sequential, double sequentialTuning, Correction correction, double minimumEffect) {
    public static final Options DEFAULT = new Options(0.05, false, 5000, Correction.HOLM, 0.10);

    public Options {
      Preconditions.checkArgument(alpha > 0 && alpha < 0.5, "alpha must be within (0, 0.5), got %s", alpha);
      Preconditions.checkArgument(minimumEffect > 0, "minimum effect must be positive, got %s", minimumEffect);
    }
  }

  /** One arm's summary: units and the metric's mean (a rate, a mean per unit, or a ratio of totals). */
  public record Arm(String variant, long units, double mean) {}

  /**
   * One variant against the control on one metric, in one segment ({@code null}: everyone). {@code pAdjusted} is the
   * corrected p-value (equal to {@code pValue} for the overall row). {@code zTest} is null for non-conversions.
   * {@code method} names the test behind {@code pValue}: the pooled z test for a conversion (fixed horizon), else
   * {@code test}'s (Welch or sequential); {@code test} always holds the relative lift and its interval.
   */
  public record Comparison(String segment, String metric, Metric.Kind kind, boolean guardrail, boolean lowerIsBetter,
      Arm control, Arm variant, Method method, double pValue, TestResult test, TestResult absolute, GaussianBayes.Result bayes,
      ProportionsZTest.Result zTest, double zOneSidedBetter, double pAdjusted, boolean significant, long unitsNeeded,
      List<String> warnings) {

    /** Whether the variant did better than the control, significantly, in the metric's direction. */
    public boolean better() {
      return significant && (lowerIsBetter ? direction() < 0 : direction() > 0);
    }

    public boolean worse() {
      return significant && (lowerIsBetter ? direction() > 0 : direction() < 0);
    }

    /** The sign of the effect: the relative lift's, or the difference's where a control of 0 leaves no lift. */
    private double direction() {
      return Double.isFinite(test.estimate()) ? test.estimate() : absolute.estimate();
    }

    /** The posterior chance that the variant is better in the metric's direction (lower, for a cost). */
    public double chanceBetter() {
      return lowerIsBetter ? 1 - bayes.chanceToWin() : bayes.chanceToWin();
    }
  }

  /** {@code heldOut}: per campaign ({@code campaign:KEY}), the people it held out of the experiment, shown it instead. */
  public record Report(Experiment experiment, Instant asOf, Instant segmentsAsOf, Options options, List<Arm> units,
      SampleRatioMismatch.Result srm, long multipleVariantUnits, List<String> unknownVariants, List<String> segments,
      List<Comparison> comparisons, List<String> summary, Map<String, Long> heldOut) {}

  /** Reads the experiment's data from the store and analyses it. */
  public static Report analyse(ExperimentReads reads, Experiment e, Map<String, Rule> segments, Instant asOf, Options o) {
    if (e.metrics().isEmpty()) {
      throw new UserException("experiment '" + e.key() + "' has no metrics to analyse; add one, e.g. --metric 'purchase = count(order) >= 1'");
    }
    Instant segmentsAsOf = e.start() != null && e.start().isBefore(asOf) ? e.start() : asOf;
    ExperimentData data = reads.experimentData(e, segments, segmentsAsOf, asOf);
    return analyse(e, data, asOf, segmentsAsOf, o);
  }

  /** Analyses data already read (pure: what the tests and benchmarks call directly). */
  public static Report analyse(Experiment e, ExperimentData data, Instant asOf, Instant segmentsAsOf, Options o) {
    List<Variant> variants = e.allocation().variants();
    Map<String, Map<String, ExperimentData.Cell>> bySegment = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (ExperimentData.Cell c : data.cells()) {
      if (e.allocation().indexOf(c.variant()) < 0) {
        if (c.segment() == null) {
          unknown.add(c.variant() + " (" + c.units() + " units)");
        }
        continue;
      }
      bySegment.computeIfAbsent(c.segment() == null ? "" : c.segment(), k -> new LinkedHashMap<>()).put(c.variant(), c);
    }
    Map<String, ExperimentData.Cell> overall = bySegment.getOrDefault("", Map.of());
    List<Arm> units = new ArrayList<>();
    long[] counts = new long[variants.size()];
    for (int i = 0; i < variants.size(); i++) {
      ExperimentData.Cell c = overall.get(variants.get(i).key());
      counts[i] = c == null ? 0 : c.units();
      units.add(new Arm(variants.get(i).key(), counts[i], Double.NaN));
    }
    double[] weights = e.allocation().weights();
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    if (total < 0.99 || total > 1.01) {
      weights = Assignment.equalWeights(variants.size());
    }
    SampleRatioMismatch.Result srm = SampleRatioMismatch.test(counts, weights);

    List<String> rows = new ArrayList<>();
    rows.add(null);
    rows.addAll(data.segments());
    List<Comparison> out = new ArrayList<>();
    for (int m = 0; m < e.metrics().size(); m++) {
      Metric metric = e.metrics().get(m);
      for (int v = 1; v < variants.size(); v++) {
        List<Comparison> family = new ArrayList<>();
        for (String seg : rows) {
          Map<String, ExperimentData.Cell> cells = bySegment.getOrDefault(seg == null ? "" : seg, Map.of());
          family.add(compare(seg, metric, m, cells.get(variants.get(0).key()), cells.get(variants.get(v).key()),
              variants.get(0).key(), variants.get(v).key(), o));
        }
        out.addAll(correct(family, o));
      }
    }
    Report draft = new Report(e, asOf, segmentsAsOf, o, units, srm, data.multipleVariantUnits(), unknown, data.segments(), out, List.of(),
        data.heldOut());
    return new Report(e, asOf, segmentsAsOf, o, units, srm, data.multipleVariantUnits(), unknown, data.segments(), out, Summary.of(draft),
        data.heldOut());
  }

  static Statistic statistic(Metric m, ExperimentData.Cell c, int index) {
    if (c == null) {
      return new Statistic.SampleMean(0, 0, 0);
    }
    ExperimentData.Sums s = c.metrics().get(index);
    return switch (m.kind()) {
      case CONVERSION -> new Statistic.Proportion(c.units(), Math.round(s.sum()));
      case MEAN -> new Statistic.SampleMean(c.units(), s.sum(), s.sumSquares());
      case RATIO -> new Statistic.Ratio(c.units(), s.sum(), s.sumSquares(), s.sumDenominator(), s.sumDenominatorSquares(), s.sumProducts());
    };
  }

  private static Comparison compare(String seg, Metric metric, int index, ExperimentData.Cell ca, ExperimentData.Cell cb,
      String controlKey, String variantKey, Options o) {
    Statistic a = statistic(metric, ca, index);
    Statistic b = statistic(metric, cb, index);
    TestResult test = o.sequential() ? SequentialTest.relative(a, b, o.alpha(), o.sequentialTuning()) : WelchTTest.relative(a, b, o.alpha());
    TestResult abs = WelchTTest.absolute(a, b, o.alpha());
    GaussianBayes.Result bayes = GaussianBayes.relative(a, b, 1 - o.alpha());
    ProportionsZTest.Result z = null;
    double oneSided = Double.NaN;
    if (a instanceof Statistic.Proportion pa && b instanceof Statistic.Proportion pb) {
      z = ProportionsZTest.test(pa, pb, ProportionsZTest.Alternative.TWO_SIDED);
      oneSided = ProportionsZTest.test(pa, pb, metric.lowerIsBetter() ? ProportionsZTest.Alternative.SMALLER : ProportionsZTest.Alternative.GREATER).pValue();
    }
    List<String> warnings = new ArrayList<>();
    long needed = -1;
    if (a.n() > 1 && a.mean() != 0 && Double.isFinite(a.variance())) {
      needed = Power.perArm(o.minimumEffect() * Math.abs(a.mean()), a.variance(), o.alpha(), 0.8);
      long smaller = Math.min(a.n(), b.n());
      if (needed > 0 && smaller < needed) {
        warnings.add(String.format(Locale.ROOT, "too small to detect a %.0f %% lift (80 %% power): %,d of %,d units needed per arm",
            100 * o.minimumEffect(), smaller, needed));
      }
    }
    Method method = o.sequential() ? Method.SEQUENTIAL : z != null ? Method.POOLED_Z : Method.WELCH_T;
    double p = method == Method.POOLED_Z ? z.pValue() : test.pValue();
    if (!test.ok()) {
      warnings.add(test.diagnostic());
    }
    if (method == Method.POOLED_Z && !z.ok() && !z.diagnostic().equals(test.diagnostic())) {
      warnings.add("z test: " + z.diagnostic());
    }
    return new Comparison(seg, metric.name(), metric.kind(), metric.guardrail(), metric.lowerIsBetter(),
        new Arm(controlKey, a.n(), a.mean()), new Arm(variantKey, b.n(), b.mean()), method, p, test, abs, bayes, z, oneSided,
        p, false, needed, List.copyOf(warnings));
  }

  /** Applies the correction across the segment rows of one metric and variant; the overall row keeps its p-value. */
  private static List<Comparison> correct(List<Comparison> family, Options o) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 1; i < family.size(); i++) {
      if (Double.isFinite(family.get(i).pValue())) {
        idx.add(i);
      }
    }
    double[] p = new double[idx.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = family.get(idx.get(i)).pValue();
    }
    double[] adj = switch (o.correction()) {
      case HOLM -> MultipleTesting.holm(p);
      case BENJAMINI_HOCHBERG -> MultipleTesting.benjaminiHochberg(p);
      case NONE -> p;
    };
    List<Comparison> out = new ArrayList<>(family.size());
    for (int i = 0; i < family.size(); i++) {
      Comparison c = family.get(i);
      int k = idx.indexOf(i);
      double pa = k >= 0 ? adj[k] : c.pValue();
      // A sequential p-value is the smallest alpha whose always-valid interval excludes 0, so one rule serves both.
      boolean sig = Double.isFinite(pa) && pa < o.alpha();
      out.add(new Comparison(c.segment(), c.metric(), c.kind(), c.guardrail(), c.lowerIsBetter(), c.control(), c.variant(),
          c.method(), c.pValue(), c.test(), c.absolute(), c.bayes(), c.zTest(), c.zOneSidedBetter(), pa, sig, c.unitsNeeded(), c.warnings()));
    }
    return out;
  }
}
