package io.segmenta.core.port;

import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import io.segmenta.core.Preconditions;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.value.Value;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Where profiles, events and saved segments live, and where segment rules run over all profiles at once. The
 * embedded default is one DuckDB file; other engines implement the same port. Every method is atomic: a write
 * that fails leaves nothing behind.
 */
public interface Store extends AutoCloseable {

  /** The schema this store was created with plus everything declared since. */
  Schema schema();

  /** Declares a custom trait (adding its column); declaring it again with the same type is a no-op. */
  Schema declareTrait(TraitDef trait);

  /** Declares a custom event property and the event types that carry it. */
  Schema declareProperty(PropertyDef property, List<String> eventTypes);

  /**
   * Declares many traits and properties in one call (each property on the event types {@code eventTypes} lists under
   * its name): every name is checked before any is declared, and names already declared with the same type are
   * no-ops. A store may declare them in steps so that other writers are not held up by a large declaration; each
   * name is declared whole or not at all, and the call returns once all are.
   */
  default Schema declare(List<TraitDef> traits, Collection<PropertyDef> properties, Map<String, ? extends Collection<String>> eventTypes) {
    Schema s = schema();
    for (TraitDef t : traits) {
      s = declareTrait(t);
    }
    for (PropertyDef p : properties) {
      Collection<String> types = eventTypes.get(p.name());
      s = declareProperty(p, types == null ? List.of() : List.copyOf(types));
    }
    return s;
  }

  /** Writes profiles (traits merge: a value given replaces the stored one) and events (idempotent by id). */
  WriteResult write(Batch batch);

  StoreStats stats();

  /**
   * The values of an event property over every event that carries it (known customers and guests alike), most
   * common first: what a rule editor offers, and how a marketer sees what the data holds.
   */
  Map<String, Long> propertyValues(String property, int limit);

  /** A profile with all its events, for in-memory evaluation and for looking at one person. */
  Optional<ProfileHistory> history(String profileId);

  /** The id of the profile an identifier (kind and value, e.g. email) belongs to, if any. */
  Optional<String> findProfile(String kind, String value);

  // ---- privacy

  /**
   * GDPR erasure of profiles, for one person usually all of {@link io.segmenta.core.identity.MergeClosure}'s ids:
   * removes the profiles (with every trait and score), their identifiers, their events (also those sent under their
   * anonymous ids), the order lines of those events, consents, membership history, kept aggregates and the merge-log
   * entries naming any of the ids, then rewrites the database file so no trace stays on disk. Ids that are not
   * profiles (merged away) still have their merge-log entries and membership history removed. Throws a
   * {@link io.segmenta.core.UserException} when none of the ids is a profile, and then changes nothing.
   */
  Erasure erase(Collection<String> profileIds);

  /** Erases one profile; the profiles merged with it are not followed (see {@link #erase(Collection)}). */
  default Erasure erase(String profileId) {
    return erase(List.of(profileId));
  }

  /**
   * Records consent choices of a profile (creating the profile if new). A choice equal to the purpose's latest one
   * is not repeated, so the history holds changes only.
   */
  void recordConsent(String profileId, List<ConsentRecord> choices);

  /** A profile's consent history, oldest first. */
  List<ConsentRecord> consents(String profileId);

  /** The ids of every profile, in a stable order. */
  List<String> profileIds();

  // ---- saved segments

  /** Saves (or replaces) a segment; the caller has type-checked the rule. */
  SegmentDefinition saveSegment(SegmentDefinition segment);

  Optional<SegmentDefinition> segment(String name);

  List<SegmentDefinition> segments();

  boolean deleteSegment(String name);

  // ---- identity

  /**
   * Merges profile {@code mergedId} into {@code survivorId}: its events, order lines, identifiers, consent history
   * and membership history become the survivor's; traits merge with the survivor's values winning and the merged
   * profile's filling the gaps; the merged profile is removed; the merge is logged with the identifiers it moved
   * and why. Atomic.
   */
  MergeRecord merge(String survivorId, String mergedId, String reason, Instant at);

  /** Records a merge that was refused (guard rails), so the log explains what did not happen too. */
  void refuseMerge(MergeRecord refused);

  /** The merge log of a profile (as survivor or as merged), oldest first; with {@code null}, everyone's. */
  List<MergeRecord> merges(String profileId);

  /** The profiles that hold an identifier, oldest first. */
  List<String> holders(String kind, String value);

  // ---- real-time segments

  /** Marks a saved segment real-time (or not): its membership is then kept up to date on every event. */
  void setRealtime(String segment, boolean realtime);

  /** The saved segments marked real-time. */
  Set<String> realtimeSegments();

  /** Stores membership changes (the history real-time segments keep). */
  void recordMembershipChanges(List<MembershipChange> changes);

  /**
   * Membership changes, oldest first, of a segment (null: all) and a profile (null: all), from {@code since}
   * (inclusive), at most {@code limit}.
   */
  List<MembershipChange> membershipChanges(String segment, String profileId, Instant since, int limit);

  // ---- audiences

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

  /**
   * Interactions of known profiles with products in {@code [from, until)}, in no particular order: for {@code order_line},
   * the lines of orders (returns are not purchases); for any other event type, its events with a
   * {@code product_id}.
   */
  void interactions(String eventType, Instant from, Instant until, Consumer<Interaction> sink);

  /** How many profiles the rule selects at {@code asOf}. */
  long count(Rule rule, Instant asOf);

  /** Member ids in profile id order, a page at a time. */
  List<String> members(Rule rule, Instant asOf, long offset, int limit);

  /**
   * Streams every member with its identifiers and the named traits, leaving out members whose consent does not
   * allow the purpose the export is for (see {@link io.segmenta.core.privacy.Purpose}).
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

  /** Every customer's purchases of {@code eventType} up to {@code asOf}, grouped by day, valued by a property. */
  void purchaseDays(String eventType, String valueProperty, Instant asOf, Consumer<PurchaseDays> sink);

  /**
   * Replaces the values of population scores (traits of the SCORE family) for everyone: profiles missing from
   * {@code scores} get none. Records {@code asOf} as the instant each trait was scored at. Atomic.
   */
  void writeScores(Instant asOf, List<String> traits, Map<String, List<Value>> scores);

  /** As {@link #writeScores(Instant, List, java.util.Map)} for one number trait, profile {@code ids[i]} scoring {@code values[i]}. */
  default void writeScores(Instant asOf, String trait, String[] ids, double[] values) {
    Preconditions.checkArgument(ids.length == values.length, "%s ids for %s values", ids.length, values.length);
    Map<String, List<Value>> scores = new LinkedHashMap<>();
    for (int i = 0; i < ids.length; i++) {
      scores.put(ids[i], List.of(new Value.Num(values[i])));
    }
    writeScores(asOf, List.of(trait), scores);
  }

  /** When a score trait was last computed, if ever. */
  Optional<Instant> scoredAt(String trait);

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
   * As {@link #segmentTotals(java.util.Map, Instant, List, List)}, with the sum of squares, the minimum and the
   * maximum only of the values whose index is in {@code spread} (NaN for the others): each statistic is one more
   * aggregate over every profile, so a report asks only for those it reads.
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

  /**
   * Retention by cohort: for customers grouped by the month of their first {@code eventType} up to {@code asOf},
   * how many were active (had such an event) in each month since; month 0 is the cohort's size.
   */
  List<CohortCell> cohorts(String eventType, Instant asOf);

  // ---- experiments

  /** Saves (or replaces) an experiment definition. */
  Experiment saveExperiment(Experiment experiment);

  Optional<Experiment> experiment(String key);

  List<Experiment> experiments();

  boolean deleteExperiment(String key);

  /** Saves (or replaces) a placement of the decision API. */
  Placement savePlacement(Placement placement);

  Optional<Placement> placement(String key);

  /** Every placement, by key. */
  List<Placement> placements();

  boolean deletePlacement(String key);

  /**
   * The sufficient statistics of an experiment's metrics per variant, for everyone and for each segment: units are
   * the profiles with an exposure event ({@code experiment_viewed} with the experiment's id) between its start and
   * stop and before {@code asOf} that meets its exposure filter; a unit's variant and clock come from its first
   * such exposure, and its metrics read its events in the window after that instant (and before {@code asOf}).
   * Segment membership is taken at {@code segmentsAsOf}, so that a treatment cannot move units between segments.
   */
  ExperimentData experimentData(Experiment experiment, Map<String, Rule> segments,
      Instant segmentsAsOf, Instant asOf);

  /** How the store runs a rule, for people: the engine's query text with its parameters. */
  String explain(Rule rule, Instant asOf);

  /**
   * Counts fields a source sent that did not fit the schema and were kept in their events' extras (lenient
   * tracking): per source, event type, field and expected type, with the latest example and when first and last seen.
   */
  default void recordViolations(String source, List<Violation> violations, Instant at) {
    recordViolations(source, violations, at, null);
  }

  /**
   * As {@link #recordViolations(String, List, Instant)}, counted once per {@code batch} (a key the caller derives from
   * what it records, e.g. a journal record): the same batch recorded again, as a replay after a crash does, changes
   * nothing. Null: no such check.
   */
  void recordViolations(String source, List<Violation> violations, Instant at, String batch);

  /** The violation counts, most frequent first, of one source or (null) of all. */
  List<ViolationCount> violations(String source, int limit);

  @Override
  void close();
}
