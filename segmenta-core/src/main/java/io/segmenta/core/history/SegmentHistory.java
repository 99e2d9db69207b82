package io.segmenta.core.history;

import io.segmenta.core.rule.Rule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The membership history an engine keeps: enter and exit intervals per saved segment ({@link Stay}), never
 * snapshots, so storage grows with the changes rather than with size times days. Real-time segments write through
 * the membership log; batch segments through {@link #recompute}. Erasing a person removes their stays.
 */
public interface SegmentHistory {

  /**
   * Evaluates each rule at {@code at} (all in one pass over the events) and records the difference against the open
   * stays: profiles newly in enter at {@code at}, profiles no longer in leave at {@code at}. The cause of a change is
   * the person's latest event since the segment's previous recompute, or {@code time} when they had none,
   * {@code rule} when the rule was edited since ({@code editedSince} holds the names), {@code start} on a segment's
   * first recompute.
   */
  List<Recomputed> recompute(Map<String, Rule> segments, Instant at, Set<String> editedSince);

  /** When a segment's history was last recomputed (empty: never). */
  Optional<Instant> lastRecompute(String segment);

  /** When the segment's recorded history begins (its first stay or recompute; empty: no history). */
  Optional<Instant> historySince(String segment);

  /** Profile ids in the segment at {@code at}, in id order, a page at a time. */
  List<String> membersAt(String segment, Instant at, long offset, int limit);

  /** The segment's size at each instant, in the order given: from the history, else from a backfill, else NONE. */
  List<SizePoint> sizes(String segment, List<Instant> at);

  /** Inflow and outflow in each period between consecutive boundaries (ascending). */
  List<Flow> flows(String segment, List<Instant> boundaries);

  /** Where the profiles that left the segment in {@code [from, until)} were right after leaving, largest first. */
  List<Destination> destinations(String segment, Instant from, Instant until);

  /** A profile's stays, in one segment (null: all), oldest first. */
  List<Stay> stays(String profileId, String segment);

  /**
   * The rule's size at each instant, computed from the events (rules can be evaluated at any as-of) in one pass
   * however many instants, in the order given.
   */
  List<Long> sizesFromEvents(Rule rule, List<Instant> at);

  /** Keeps sizes computed from the events as the segment's past before its history begins. */
  void saveBackfill(String segment, Map<Instant, Long> sizes);

  /** Forgets a deleted segment's history and backfill. */
  void forget(String segment);
}
