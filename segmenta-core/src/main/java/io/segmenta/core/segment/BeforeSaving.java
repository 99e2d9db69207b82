package io.segmenta.core.segment;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.FunnelCounts;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a rule that is not saved yet would select (issue 18, "before saving"): the size after each top-level condition
 * (a funnel: the first condition, the first two, ... the whole rule), the size reachable per consent purpose, and what
 * it costs to evaluate: rows scanned and time of the engine's query, in batch, and the rows one profile's evaluation
 * reads when an event arrives (real-time). All of it is one query ({@link AudienceQuery.Funnel}).
 *
 * <p>Why sampling: the preview follows typing, so on a large store it reads a fixed one-in-k sample of profiles by
 * key (the scans still read every event row, but group and join only a k-th of them), and scales up. A sampled share
 * p of n profiles read carries the binomial standard error sqrt(p(1-p)/n); the 95 % margin is 1.96 of them, scaled to
 * the population (the normal approximation to the binomial, as any survey sample's margin of error is given).
 */
public final class BeforeSaving {
  /** Stores up to this many profiles are read whole; larger ones through a sample of about this many. */
  public static final long EXACT_UP_TO = 100_000;
  /** At most this many top-level conditions become steps (one mask column); more are folded into the last step. */
  static final int MAX_STEPS = 62;

  private BeforeSaving() {}

  /** One step of the funnel: the condition added, and how many meet it and every step before it. */
  public record Step(String condition, long size, long margin) {}

  /** How many members allow a purpose (after consent). */
  public record Reach(String purpose, long size, long margin) {}

  /**
   * What evaluating the rule costs: table rows the query scanned (-1: the engine cannot say), how long this preview's
   * query took, an estimate of the whole store's batch query time (the sample's time scaled by the share of work that
   * grows with the profiles read; the same as measured when nothing was sampled), and the event rows one profile's
   * evaluation reads on average (the event tables' rows scanned over the profiles: real-time evaluates one profile
   * per event, reading that profile's rows only).
   */
  public record Cost(long rowsScanned, long millis, long batchMillis, double rowsPerProfile) {}

  /** The preview: as of when, of how many profiles, read whole ({@code sampleEvery == 1}) or one in {@code sampleEvery}. */
  public record Report(Instant asOf, long population, int sampleEvery, long read, List<Step> funnel, List<Reach> reach, Cost cost) {
    public Report {
      funnel = List.copyOf(funnel);
      reach = List.copyOf(reach);
    }

    public boolean sampled() {
      return sampleEvery > 1;
    }

    /** The whole rule's size: the funnel's last step. */
    public long size() {
      return funnel.get(funnel.size() - 1).size();
    }

    /** One line saying how the figures were got. */
    public String how() {
      return sampled()
          ? String.format(Locale.ROOT, "estimated from a 1-in-%d sample of profiles (%,d of %,d), with 95%% margins", sampleEvery, read, population)
          : String.format(Locale.ROOT, "exact, over all %,d profiles", population);
    }
  }

  /** The rule's steps: the conditions of a top-level {@code and}, else the rule as one step. */
  public static List<Rule> steps(Rule rule) {
    if (!(rule instanceof Rule.And and) || and.rules().isEmpty()) {
      return List.of(rule);
    }
    List<Rule> parts = and.rules();
    if (parts.size() <= MAX_STEPS) {
      return parts;
    }
    List<Rule> out = new ArrayList<>(parts.subList(0, MAX_STEPS - 1));
    out.add(new Rule.And(parts.subList(MAX_STEPS - 1, parts.size())));
    return out;
  }

  /** The one-in-k sample for a store of {@code population} profiles: 1 (everyone) up to {@code exactUpTo}. */
  public static int sampleEvery(long population, long exactUpTo) {
    return population <= exactUpTo ? 1 : (int) Math.min(1000, (population + exactUpTo - 1) / exactUpTo);
  }

  /** The preview of a checked rule at {@code asOf} over a store of {@code population} profiles. */
  public static Report of(Audiences audiences, long population, Rule rule, Instant asOf) {
    return of(audiences, population, rule, asOf, EXACT_UP_TO);
  }

  public static Report of(Audiences audiences, long population, Rule rule, Instant asOf, long exactUpTo) {
    List<Rule> steps = steps(rule);
    int every = sampleEvery(population, exactUpTo);
    List<Purpose> purposes = Arrays.asList(Purpose.values());
    FunnelCounts c = audiences.run(new AudienceQuery.Funnel(steps, asOf, every, purposes));
    long[] after = c.afterStep();
    List<Step> funnel = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      funnel.add(new Step(RuleText.print(steps.get(i)), scale(after[i], c.read(), population, every), margin(after[i], c.read(), population, every)));
    }
    long[] reachable = c.reachable();
    List<Reach> reach = new ArrayList<>();
    for (int p = 0; p < purposes.size(); p++) {
      reach.add(new Reach(purposes.get(p).label(), scale(reachable[p], c.read(), population, every), margin(reachable[p], c.read(), population, every)));
    }
    // The scans read every event row whatever the sample; grouping and joining grow with the profiles read. Without
    // a split of the two, the batch estimate scales the whole time: an upper bound, said as "up to" where shown.
    long batch = every == 1 ? c.millis() : c.millis() * every;
    double perProfile = c.eventRowsScanned() < 0 || population == 0 ? -1 : (double) c.eventRowsScanned() / population;
    return new Report(asOf, population, every, c.read(), funnel, reach, new Cost(c.rowsScanned(), c.millis(), batch, perProfile));
  }

  /** A count among {@code read} sampled profiles, scaled to the population (exact when nothing was sampled). */
  static long scale(long count, long read, long population, int every) {
    if (every == 1 || read == 0) {
      return count;
    }
    return Math.round((double) count / read * population);
  }

  /** The 95 % margin of a scaled count (0 when exact). */
  static long margin(long count, long read, long population, int every) {
    if (every == 1 || read == 0) {
      return 0;
    }
    double p = (double) count / read;
    return Math.round(1.96 * Math.sqrt(p * (1 - p) / read) * population);
  }
}
