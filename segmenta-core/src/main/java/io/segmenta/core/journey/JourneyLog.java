package io.segmenta.core.journey;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The durable state of journeys, a role port the store implements: one run per (journey, profile, entry) with the step
 * it is at and when that step is due (timers are rows, so they survive restarts), every step taken or skipped with its
 * reason, and the idempotency keys of sends, recorded before delivery.
 */
public interface JourneyLog {

  /**
   * A profile's way through one entry of a journey: at {@code step} since {@code since}, due at {@code dueAt};
   * {@code attempts} failed sends; entered at {@code enteredAt}.
   */
  record Run(String journey, String profileId, int entry, int version, String step, Instant dueAt, int attempts, Instant since, Instant enteredAt) {
    /** The same run at {@code next} (a new step since {@code now}, or the same one), due at {@code now}, no failed attempt. */
    public Run at(String next, Instant now) {
      return new Run(journey, profileId, entry, version, next, now, 0, next.equals(step) ? since : now, enteredAt);
    }

    public Run withVersion(int v) {
      return new Run(journey, profileId, entry, v, step, dueAt, attempts, since, enteredAt);
    }
  }

  /**
   * One entry as measured: whether it is still running, was held out by a split, reached the goal while in the journey,
   * and the orders and net revenue (orders less returns) of the profile from its entry to the end of the window.
   */
  record Outcome(String profileId, int entry, Instant enteredAt, boolean running, boolean heldOut, boolean goal, int orders, double revenue) {}

  /** What happened at a step: {@code outcome} (entered, waited, branched, sent, skipped, held_out, goal, exited, ...) and why. */
  record StepRecord(String journey, String profileId, int entry, String step, String outcome, String reason, Instant at) {}

  /** A profile's entries into a journey: how many, when the last began, and whether one is still running. */
  record Entries(int count, Instant lastEnteredAt, boolean running) {
    public static final Entries NONE = new Entries(0, null, false);
  }

  enum SendState { PENDING, SENT }

  Entries entries(String journey, String profileId);

  /** Starts a run (entry number {@code run.entry()}), due at once. */
  default void enter(Run run, StepRecord entered) {
    enter(run, entered, null);
  }

  /** Starts a run caused by the event {@code cause} (its id; null for other triggers), due at once. */
  void enter(Run run, StepRecord entered, String cause);

  /** One run to start: the run, its "entered" record, and the id of the event that caused it (null for other triggers). */
  record Entry(Run run, StepRecord entered, String cause) {}

  /**
   * Whether a profile is a member of the journey's trigger segment, as the journey last saw it: the journey keeps its
   * own copy of its segment's members, so that changes a crash lost show as a difference after a restart.
   */
  record Membership(String journey, String profileId, boolean member) {}

  /** The entries of each of {@code profileIds} into the journey (profiles that never entered are absent). */
  Map<String, Entries> entries(String journey, Collection<String> profileIds);

  /** Starts runs, due at once, and updates kept memberships, in one transaction: all of it or none. */
  void enter(List<Entry> entries, List<Membership> memberships);

  /** The segment whose members the journey keeps (empty: it keeps none yet). */
  Optional<String> watched(String journey);

  /** Replaces the kept members of the journey by {@code members} of {@code segment}. */
  void watch(String journey, String segment, Collection<String> members);

  /** The kept members of the journey among {@code profileIds} (null: all of them). */
  Set<String> members(String journey, Collection<String> profileIds);

  /** An event that may have been missed: of the trigger's type, stored since a time, and the cause of no run of the journey. */
  record Missed(String eventId, String profileId) {}

  /** Events of {@code eventType} (of known profiles) at or after {@code since} that caused no run of {@code journey}. */
  List<Missed> missed(String journey, String eventType, Instant since);

  /** Runs due at or before {@code now}, earliest first. */
  List<Run> due(Instant now, int limit);

  /** Moves a run to {@code step}, due at {@code dueAt}, and records what happened. */
  void move(Run run, String step, Instant dueAt, StepRecord record);

  /** Ends a run and records why. */
  void end(Run run, StepRecord record);

  /** Counts a failed attempt at the run's step and makes it due again at {@code dueAt}. */
  void retry(Run run, Instant dueAt);

  /** Makes the run due again at {@code dueAt} at the same step, recording nothing (a rule checked again later). */
  void postpone(Run run, Instant dueAt);

  /**
   * One of the four writes above, kept by a tick and written with others ({@link #apply}): a tick's steps are
   * committed together, not one transaction each.
   */
  sealed interface Change permits Moved, Ended, Retried, Postponed {}

  record Moved(Run run, String step, Instant dueAt, StepRecord record) implements Change {}

  record Ended(Run run, StepRecord record) implements Change {}

  record Retried(Run run, Instant dueAt) implements Change {}

  record Postponed(Run run, Instant dueAt) implements Change {}

  /** Writes the changes in their order, in one transaction: all of them or none. The default writes one by one. */
  default void apply(List<Change> changes) {
    for (Change c : changes) {
      if (c instanceof Moved m) {
        move(m.run(), m.step(), m.dueAt(), m.record());
      } else if (c instanceof Ended e) {
        end(e.run(), e.record());
      } else if (c instanceof Retried r) {
        retry(r.run(), r.dueAt());
      } else {
        Postponed p = (Postponed) c;
        postpone(p.run(), p.dueAt());
      }
    }
  }

  /**
   * Writes {@code before} (see {@link #apply}) and claims the key, in one transaction: what a run did before a send is
   * durable before the send is attempted. The default writes them one after the other.
   */
  default void claim(List<Change> before, String key, String journey, String profileId, String channel, Instant at) {
    apply(before);
    claim(key, journey, profileId, channel, at);
  }

  /** Paused journeys take no entries and no steps; their runs wait where they are. */
  boolean paused(String journey);

  void pause(String journey, boolean paused);

  /** When a date or schedule trigger of the journey last entered people. */
  Optional<Instant> lastFired(String journey);

  void fired(String journey, Instant at);

  /** Every entry of the journey, measured with revenue from entry to entry + {@code window}. */
  List<Outcome> outcomes(String journey, Duration window);

  Optional<SendState> send(String key);

  /** The states of those of {@code keys} that were claimed (a key never claimed is absent), read together. The default reads one by one. */
  default Map<String, SendState> sends(Collection<String> keys) {
    Map<String, SendState> out = new HashMap<>();
    for (String k : keys) {
      send(k).ifPresent(s -> out.put(k, s));
    }
    return out;
  }

  /** A send's key to record before delivery (see {@link #claim(List, List)}). */
  record Claim(String key, String journey, String profileId, String channel, Instant at) {}

  /**
   * Writes {@code before} (see {@link #apply}) and claims every key of {@code claims} not claimed yet, in one
   * transaction: a tick's sends are all recorded, with every change before them, before any is delivered. The default
   * writes them one after the other.
   */
  default void claim(List<Change> before, List<Claim> claims) {
    apply(before);
    for (Claim c : claims) {
      claim(c.key(), c.journey(), c.profileId(), c.channel(), c.at());
    }
  }

  /** Marks claimed sends delivered, in one transaction. The default marks one by one. */
  default void sent(Collection<String> keys, Instant at) {
    for (String k : keys) {
      sent(k, at);
    }
  }

  /**
   * When messages of {@code channel} were delivered to each of {@code profileIds} at or after {@code since}, across
   * every journey (profiles with none are absent), read together: frequency caps of different periods count them.
   */
  Map<String, List<Instant>> sentTimes(Collection<String> profileIds, String channel, Instant since);

  /** Records the idempotency key of a send before delivery. */
  void claim(String key, String journey, String profileId, String channel, Instant at);

  /** Marks a claimed send delivered. */
  void sent(String key, Instant at);

  /**
   * Notes that a claimed send was just delivered, before its round's {@link #sent(Collection, Instant) mark}, where a
   * process kill cannot lose it (the store's own way: DuckDB writes a line beside its file), so a restart marks it
   * sent instead of delivering it again. Cheap: called once per delivery.
   */
  void delivered(String key);

  /** Messages of {@code channel} delivered to the profile since {@code since}, across every journey. */
  int sentSince(String profileId, String channel, Instant since);

  /**
   * The profile's runs of the journey, one per entry, oldest first: a running run is due at some time; an ended one
   * is due never ({@code dueAt} null) and stays at the step it ended at.
   */
  List<Run> runs(String journey, String profileId);

  /** What happened to the profile in the journey, oldest first. */
  List<StepRecord> history(String journey, String profileId);

  /** For each step of the journey, the number of records per outcome ("step/outcome", skips with their reason: "step/skipped (reason)"). */
  Map<String, Long> counts(String journey);

  /** Removes the profiles from every journey: runs, step records and send keys. */
  void erase(Collection<String> profileIds);
}
