package io.segmenta.core.port;

import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The audience engine: segment rules run over all profiles at once, for counts, members, exports and measures. */
public interface Audiences {

  /**
   * Every profile in one pass: its identifiers of the given kinds, the named traits (stored, or computed at
   * {@code asOf}), its membership in each of {@code segments} at {@code asOf}, and whether its consent allows
   * {@code purpose}. What the decision API loads into memory.
   */
  void profileRows(List<String> traits, List<String> identifierKinds, List<Rule> segments, Instant asOf,
      Purpose purpose, Consumer<ProfileRow> sink);

  /**
   * The profiles meeting {@code universe} at {@code asOf} whose consent allows {@code purpose}, as columns: the named
   * number or boolean traits (stored, or computed at {@code asOf}; booleans as 0/1), and whether each meets each of
   * {@code flags}. Rows come in the store's own order (for the embedded store, the order profiles were first written in).
   */
  NumberColumns numberColumns(Rule universe, List<String> traits, List<Rule> flags, Instant asOf, Purpose purpose);

  /** How many profiles the rule selects at {@code asOf}. */
  long count(Rule rule, Instant asOf);

  /** Member ids in profile id order, a page at a time. */
  List<String> members(Rule rule, Instant asOf, long offset, int limit);

  /**
   * Streams every member with its identifiers and the named traits, leaving out members whose consent does not
   * allow the purpose the export is for (see {@link Purpose}).
   */
  long export(Rule rule, Instant asOf, List<String> traits, Purpose purpose, Consumer<Member> sink);

  /**
   * How many profiles the rule selects, and for each measure the sum of its values over them (profiles where the
   * measure is undefined add nothing). Counting "customers with an order" and "their revenue" is one query.
   */
  Totals totals(Rule rule, Instant asOf, List<Measure> measures);

  /** As {@link #totals(Rule, Instant, List)}, followed by the statistics of stored number traits (scores, say). */
  Totals totals(Rule rule, Instant asOf, List<Measure> measures, List<String> numberTraits);

  /** For every member of the rule, the values of the measures at {@code asOf}, in a stable order (the order profiles were first stored in). */
  void values(Rule rule, Instant asOf, List<Measure> measures, BiConsumer<String, List<Value>> sink);

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

  /**
   * An estimate of {@link #count} from a fixed one-in-{@code modulus} sample of profiles (by internal key), for
   * previews while a rule is being written: scaled up, with the sample size so callers can state the error.
   */
  long countSample(Rule rule, Instant asOf, int modulus);

  /** The internal keys of the members, ascending: for set operations between segments (overlaps). */
  long[] memberKeys(Rule rule, Instant asOf);

  /** How the store runs a rule, for people: the engine's query text with its parameters. */
  String explain(Rule rule, Instant asOf);
}
