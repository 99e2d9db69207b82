package io.segmenta.server;

import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Run;
import io.segmenta.core.destination.Syncs;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destinations' background job ({@code destinations} in {@code GET /admin/status}): one thread that, every
 * {@link #TICK}, syncs each destination whose schedule ({@code every}) is due, each whose real-time segment changed
 * since its last sync ({@code on_change}, fed by the real-time feed's membership changes), and each holding a person
 * who was erased (the state first keeps only what their removal needs, see {@code SyncState.erase}). A run's retries
 * and backoff are {@link Syncs}'; a failed run counts in the worker with its reason and is tried again at the next
 * due time. Logs carry destination keys and counts only.
 */
final class DestinationRunner implements AutoCloseable {
  static final Duration TICK = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(DestinationRunner.class);

  private final Store store;
  private final Syncs syncs;
  private final Worker worker;
  private final Clock clock;
  private final Set<String> requested = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> lastRun = new ConcurrentHashMap<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "segmenta-destinations");
    t.setDaemon(true);
    return t;
  });

  DestinationRunner(Store store, Syncs syncs, Worker worker, Clock clock) {
    this.store = store;
    this.syncs = syncs;
    this.worker = worker;
    this.clock = clock;
    worker.backlog(requested::size);
  }

  void start() {
    thread.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Real-time membership changes: destinations of a changed segment that sync on change are due. */
  void membership(List<MembershipChange> changes) {
    Set<String> segments = ConcurrentHashMap.newKeySet();
    changes.forEach(c -> segments.add(c.segment()));
    try {
      for (Destination d : store.destinationDefinitions().all()) {
        if (d.onChange() && segments.contains(d.segment())) {
          requested.add(d.key());
        }
      }
    } catch (RuntimeException e) {
      worker.failed(e);
    }
  }

  /** An erasure: the kept state forgets the person's profile ids now; their destinations sync at the next tick. */
  void on(ProfileEvent e) {
    if (e instanceof ProfileEvent.Erased erased) {
      try {
        requested.addAll(store.syncState().erase(erased.profileIds()));
      } catch (RuntimeException x) {
        worker.failed(x);
      }
    }
  }

  /** Asks for a sync at the next tick. */
  void request(String key) {
    requested.add(key);
  }

  void tick() {
    try {
      Instant now = clock.instant();
      for (Destination d : store.destinationDefinitions().all()) {
        Instant last = lastRun.get(d.key());
        boolean due = requested.remove(d.key()) || (d.every() != null && (last == null || !now.isBefore(last.plus(d.every()))));
        if (!due) {
          continue;
        }
        lastRun.put(d.key(), now);
        Run r = syncs.sync(d, false);
        if (r.status() == Run.Status.FAILED) {
          IllegalStateException failure = new IllegalStateException("destination " + d.key() + ": " + r.reason());
          worker.failed(failure);
          worker.log(LOG, failure, "destination " + d.key() + " after " + r.attempts() + " attempts; tried again when next due");
        } else {
          worker.processed(r.added() + r.removed());
        }
      }
    } catch (RuntimeException e) {
      worker.failed(e);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
