package io.segmenta.core.port;

import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/** The audience engine: segment rules run over all profiles at once, for counts, members, exports and measures. */
public interface Audiences {

  /** Answers one query: a count, a sample, a page, keys, an export, measures, profile rows or number columns. */
  <R> R run(AudienceQuery<R> query);

  /**
   * How many profiles the rule selects, and for each measure the sum of its values over them (profiles where the
   * measure is undefined add nothing). Counting "customers with an order" and "their revenue" is one query.
   */
  Totals totals(Rule rule, Instant asOf, List<Measure> measures);

  /** As {@link #totals(Rule, Instant, List)}, followed by the statistics of stored number traits (scores, say). */
  Totals totals(Rule rule, Instant asOf, List<Measure> measures, List<String> numberTraits);

  /**
   * {@link #totals(Rule, Instant, List, List)} for many segments at once, plus their pairwise overlaps: one scan
   * of the events however many segments there are.
   */
  default SegmentTotals segmentTotals(Map<String, Rule> segments, Instant asOf, List<Measure> measures, List<String> numberTraits) {
    BitSet all = new BitSet();
    all.set(0, measures.size() + numberTraits.size());
    return segmentTotals(segments, asOf, measures, numberTraits, all);
  }

  /**
   * As {@link #segmentTotals(Map, Instant, List, List)}, with the sum of squares, the minimum and the maximum only of
   * the values whose index is in {@code spread} (NaN for the others): each statistic is one more aggregate over every
   * profile, so a report asks only for those it reads.
   */
  SegmentTotals segmentTotals(Map<String, Rule> segments, Instant asOf, List<Measure> measures, List<String> numberTraits,
      BitSet spread);

  /** How the store runs a rule, for people: the engine's query text with its parameters. */
  String explain(Rule rule, Instant asOf);
}
