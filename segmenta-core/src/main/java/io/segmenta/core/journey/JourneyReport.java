package io.segmenta.core.journey;

import io.segmenta.core.journey.JourneyLog.Outcome;
import io.segmenta.stats.Statistic;
import io.segmenta.stats.TestResult;
import io.segmenta.stats.WelchTTest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a journey did: entered, in progress, held out, reached the goal, sends and skips per step (with reasons), net
 * revenue after entry within a window; and, when the journey has a holdout split, the lift of the treated over the
 * held-out in conversion (an order within the window) and in net revenue per entry, each with a 95 % interval.
 *
 * <p>Why intent to treat: the split's bucket is a stable hash of (journey, profile, entry), so every entry belongs to
 * an arm from the moment it enters, whether or not it reached the split (people who reached the goal or left before
 * it count in their arm). Comparing only the people who reached the split would compare groups chosen by what happened
 * to them. The intervals are Welch's (segmenta-stats), as experiments use: absolute difference, and relative lift by
 * the delta method.
 */
public final class JourneyReport {
  private JourneyReport() {}

  /** One arm: entries, entries with an order within the window, their net revenue. */
  public record Arm(long entries, long converted, double revenue) {
    public double conversionRate() {
      return entries == 0 ? Double.NaN : (double) converted / entries;
    }

    public double revenuePerEntry() {
      return entries == 0 ? Double.NaN : revenue / entries;
    }
  }

  /** Treated minus held-out (absolute) and treated over held-out less one (relative), with 95 % intervals. */
  public record Lift(TestResult absolute, TestResult relative) {}

  public record Report(String journey, int version, Duration window, long entered, long inProgress, long goal, long heldOut, long sent,
      double revenue, Map<String, Long> steps, int holdoutPercent, Arm treatment, Arm holdout, Lift conversion, Lift revenuePerEntry) {}

  public static Report of(Journey j, JourneyLog log, Duration window) {
    List<Outcome> outcomes = log.outcomes(j.key(), window);
    Map<String, Long> steps = new LinkedHashMap<>(log.counts(j.key()));
    long sent = steps.entrySet().stream().filter(e -> e.getKey().endsWith("/sent")).mapToLong(Map.Entry::getValue).sum();
    Optional<Step.Split> split = j.steps().stream().filter(s -> s instanceof Step.Split).map(s -> (Step.Split) s).findFirst();
    int holdout = split.map(Step.Split::holdoutPercent).orElse(0);
    long inProgress = 0;
    long goal = 0;
    long heldOut = 0;
    double revenue = 0;
    long[] n = new long[2];
    long[] converted = new long[2];
    double[] sum = new double[2];
    double[] squares = new double[2];
    for (Outcome o : outcomes) {
      inProgress += o.running() ? 1 : 0;
      goal += o.goal() ? 1 : 0;
      heldOut += o.heldOut() ? 1 : 0;
      revenue += o.revenue();
      // Arm 1 is treated, 0 held out, by the split's own hash.
      int arm = JourneyEngine.bucket(new JourneyLog.Run(j.key(), o.profileId(), o.entry(), 0, "", null, 0, null, null)) < holdout ? 0 : 1;
      n[arm]++;
      converted[arm] += o.orders() > 0 ? 1 : 0;
      sum[arm] += o.revenue();
      squares[arm] += o.revenue() * o.revenue();
    }
    Arm treated = new Arm(n[1], converted[1], sum[1]);
    Arm held = new Arm(n[0], converted[0], sum[0]);
    Lift conversion = null;
    Lift perEntry = null;
    if (split.isPresent()) {
      Statistic.Proportion a = new Statistic.Proportion(n[0], converted[0]);
      Statistic.Proportion b = new Statistic.Proportion(n[1], converted[1]);
      conversion = new Lift(WelchTTest.absolute(a, b, 0.05), WelchTTest.relative(a, b, 0.05));
      Statistic.SampleMean ra = new Statistic.SampleMean(n[0], sum[0], squares[0]);
      Statistic.SampleMean rb = new Statistic.SampleMean(n[1], sum[1], squares[1]);
      perEntry = new Lift(WelchTTest.absolute(ra, rb, 0.05), WelchTTest.relative(ra, rb, 0.05));
    }
    return new Report(j.key(), j.version(), window, outcomes.size(), inProgress, goal, heldOut, sent, revenue, steps, holdout, treated, held,
        conversion, perEntry);
  }
}
