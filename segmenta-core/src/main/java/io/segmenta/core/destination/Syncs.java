package io.segmenta.core.destination;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.rule.Rule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One sync of a destination, the one path the CLI, the admin API and the server's background job take.
 *
 * <p>Why in this order. The members are read with the destination's consent purpose ({@link AudienceQuery.Export}
 * leaves out whoever's latest choice, by {@code core.consent.ConsentPolicy}, does not allow it), so a withdrawal or an
 * erasure makes the person absent, and absence is a removal: consent gates every sync without a second rule. Each
 * member becomes an {@link Entry} ({@link Payloads}); their fingerprints are diffed against the state kept from the
 * last successful sync ({@link Diff}); only the adds and removes are sent. The channel is tried up to
 * {@link #ATTEMPTS} times with doubling backoff when its failure is retryable; the state changes only after a delivery
 * succeeded, so a failed run is resent whole by the next (additions and removals are idempotent on every platform we
 * send to). Every run, dry or not, is recorded with its counts and reason.
 */
public final class Syncs {
  public static final int ATTEMPTS = 5;
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
  static final int EXAMPLES = 5;

  /** How to wait between attempts (a test passes one that does not sleep). */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final Audiences audiences;
  private final Function<String, Rule> rules;
  private final SyncState state;
  private final RunHistory history;
  private final Function<Destination, Channel> channels;
  private final Function<Destination, Predicate<String>> gates;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * {@code rules} finds a segment's rule by name; {@code channels} opens a destination's channel; {@code gates} says,
   * per destination, which profiles it may hold besides its segment and consent (a campaign's ad audience holds only
   * those the campaign wins; others hold everyone).
   */
  public Syncs(Audiences audiences, Function<String, Rule> rules, SyncState state, RunHistory history,
      Function<Destination, Channel> channels, Function<Destination, Predicate<String>> gates, Clock clock, Sleeper sleeper) {
    this.audiences = Objects.requireNonNull(audiences, "audiences");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.state = Objects.requireNonNull(state, "state");
    this.history = Objects.requireNonNull(history, "history");
    this.channels = Objects.requireNonNull(channels, "channels");
    this.gates = Objects.requireNonNull(gates, "gates");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** The members of a destination now, as entries, and how many had nothing to match on. */
  public record Members(List<Entry> entries, long unmatched) {}

  /** Reads the members the destination may hold now. */
  public Members members(Destination d, Instant asOf) {
    Rule rule = rules.apply(d.segment());
    Predicate<String> gate = gates.apply(d);
    Payloads payloads = new Payloads(d);
    List<Entry> entries = new ArrayList<>();
    long[] unmatched = {0};
    audiences.run(new AudienceQuery.Export(rule, asOf, List.of(), d.purpose(), m -> {
      if (!gate.test(m.profileId())) {
        return;
      }
      Entry e = payloads.entry(m);
      if (e == null) {
        unmatched[0]++;
      } else {
        entries.add(e);
      }
    }));
    return new Members(entries, unmatched[0]);
  }

  /** Syncs {@code d} now (or only reports what it would send, {@code dryRun}), and records the run. */
  public Run sync(Destination d, boolean dryRun) {
    synchronized (locks.computeIfAbsent(d.key(), k -> new Object())) {
      Instant started = clock.instant();
      Members now = members(d, started);
      List<Entry> entries = now.entries();
      long[] fps = new long[entries.size()];
      for (int i = 0; i < fps.length; i++) {
        fps[i] = entries.get(i).fingerprint();
      }
      Diff.Result diff = Diff.of(fps, Diff.sortedOrder(fps), state.fingerprints(d.key()));
      List<Entry> adds = new ArrayList<>(diff.adds().length);
      for (int i : diff.adds()) {
        adds.add(entries.get(i));
      }
      List<String> removes = diff.removes().length == 0 ? List.of() : state.kept(d.key(), diff.removes());
      String unmatchedReason = now.unmatched() == 0 ? null
          : now.unmatched() + " members have nothing the " + d.kind().label() + " channel can match on";
      if (dryRun) {
        Run run = new Run(d.key(), started, clock.instant(), true, Run.Status.DRY_RUN, entries.size(), adds.size(), removes.size(),
            now.unmatched(), unmatchedReason, 0, adds.stream().limit(EXAMPLES).map(Entry::profileId).toList(),
            removes.stream().limit(EXAMPLES).toList());
        history.record(run);
        return run;
      }
      Channel.Changes changes = new Channel.Changes(d, adds, removes, entries);
      Channel channel = null;
      Duration backoff = FIRST_BACKOFF;
      for (int attempt = 1; ; attempt++) {
        try {
          channel = channel == null ? channels.apply(d) : channel;
          Channel.Delivery delivery = channel.deliver(changes);
          state.apply(d.key(), adds, diff.removes());
          String reason = delivery.refused() > 0 ? delivery.reason() : unmatchedReason;
          Run run = new Run(d.key(), started, clock.instant(), false, Run.Status.OK, entries.size(), adds.size() - delivery.refused(),
              removes.size(), now.unmatched() + delivery.refused(), reason, attempt, List.of(), List.of());
          history.record(run);
          return run;
        } catch (Channel.ChannelException e) {
          if (!e.retryable() || attempt >= ATTEMPTS) {
            return failed(d, started, entries.size(), adds.size() + removes.size(), e.getMessage(), attempt);
          }
        } catch (RuntimeException e) {
          return failed(d, started, entries.size(), adds.size() + removes.size(), e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()), attempt);
        }
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return failed(d, started, entries.size(), adds.size() + removes.size(), "interrupted while waiting to retry", attempt);
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  private Run failed(Destination d, Instant started, long members, long changes, String reason, int attempts) {
    Run run = new Run(d.key(), started, clock.instant(), false, Run.Status.FAILED, members, 0, 0, changes, reason, attempts,
        List.of(), List.of());
    history.record(run);
    return run;
  }
}
