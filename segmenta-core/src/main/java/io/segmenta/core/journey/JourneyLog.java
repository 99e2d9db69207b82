package io.segmenta.core.journey;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable state of journeys, a role port the store implements: one run per (journey, profile, entry) with the step
 * it is at and when that step is due (timers are rows, so they survive restarts), every step taken or skipped with its
 * reason, and the idempotency keys of sends, recorded before delivery.
 */
public interface JourneyLog {

  /** A profile's way through one entry of a journey: at {@code step}, due at {@code dueAt}; {@code attempts} failed sends. */
  record Run(String journey, String profileId, int entry, int version, String step, Instant dueAt, int attempts) {}

  /** What happened at a step: {@code outcome} (entered, waited, branched, sent, skipped, held_out, goal, exited, ...) and why. */
  record StepRecord(String journey, String profileId, int entry, String step, String outcome, String reason, Instant at) {}

  /** A profile's entries into a journey: how many, when the last began, and whether one is still running. */
  record Entries(int count, Instant lastEnteredAt, boolean running) {
    public static final Entries NONE = new Entries(0, null, false);
  }

  enum SendState { PENDING, SENT }

  Entries entries(String journey, String profileId);

  /** Starts a run (entry number {@code run.entry()}), due at once. */
  void enter(Run run, StepRecord entered);

  /** Runs due at or before {@code now}, earliest first. */
  List<Run> due(Instant now, int limit);

  /** Moves a run to {@code step}, due at {@code dueAt}, and records what happened. */
  void move(Run run, String step, Instant dueAt, StepRecord record);

  /** Ends a run and records why. */
  void end(Run run, StepRecord record);

  /** Counts a failed attempt at the run's step and makes it due again at {@code dueAt}. */
  void retry(Run run, Instant dueAt);

  Optional<SendState> send(String key);

  /** Records the idempotency key of a send before delivery. */
  void claim(String key, String journey, String profileId, String channel, Instant at);

  /** Marks a claimed send delivered. */
  void sent(String key, Instant at);

  /** Messages of {@code channel} delivered to the profile since {@code since}, across every journey. */
  int sentSince(String profileId, String channel, Instant since);

  /** What happened to the profile in the journey, oldest first. */
  List<StepRecord> history(String journey, String profileId);

  /** For each step of the journey, the number of records per outcome ("step/outcome" → count). */
  Map<String, Long> counts(String journey);

  /** Removes the profiles from every journey: runs, step records and send keys. */
  void erase(Collection<String> profileIds);
}
