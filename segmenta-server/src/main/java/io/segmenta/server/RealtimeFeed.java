package io.segmenta.server;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.store.Store;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.realtime.RealtimeSegments;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs {@link RealtimeSegments} for the server on one thread: durable tracking batches come in as soon as their
 * fsync returns, timers fire when windows pass, and every membership change is stored (the membership history)
 * and handed to the listeners (Server-Sent Events clients, webhooks).
 */
final class RealtimeFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeFeed.class);

  private final Store store;
  private final Clock clock;
  private final RealtimeSegments engine;
  private final BlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
  private final List<Consumer<List<MembershipChange>>> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean closed;

  RealtimeFeed(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
    // A profile's history is read from the store only if the store can have some: it existed at start, or it was
    // seen since and left the cache. A new visitor's first event costs no database read.
    Set<String> stored = new HashSet<>(store.profiles().profileIds());
    Set<String> seen = new HashSet<>();
    this.engine = new RealtimeSegments(segments.resolver(), id -> {
      boolean known = stored.contains(id) || !seen.add(id);
      return known ? store.profiles().history(id) : Optional.empty();
    }, 100_000);
    Instant now = clock.instant();
    for (String name : store.membership().realtimeSegments()) {
      store.segmentDefinitions().find(name).ifPresent(d -> start(d, now));
    }
    thread = new Thread(this::run, "segmenta-realtime");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether any segment is real-time; read by request threads, so the work is skipped without a queue round trip. */
  private volatile boolean tracking;

  private void start(SegmentDefinition d, Instant now) {
    tracking = true;
    Rule r = RuleText.parseRule(d.rule());
    engine.track(d.name(), r, new HashSet<>(store.audiences().run(new AudienceQuery.Page(r, now, 0, Integer.MAX_VALUE))));
  }

  boolean closed() {
    return closed;
  }

  void listen(Consumer<List<MembershipChange>> l) {
    listeners.add(l);
  }

  void unlisten(Consumer<List<MembershipChange>> l) {
    listeners.remove(l);
  }

  /** A durable batch: re-decides the profiles it touches. */
  void accept(Batch b) {
    // With no real-time segment there is nothing to decide (and histories are loaded when one is added).
    if (!b.isEmpty() && tracking) {
      work.add(() -> publish(engine.onEvents(b.profiles(), b.events(), clock.instant())));
    }
  }

  /** Starts keeping a saved segment real-time (its current members from the batch engine). */
  void track(SegmentDefinition d) {
    call(() -> start(d, clock.instant()));
  }

  void untrack(String name) {
    call(() -> {
      engine.untrack(name);
      tracking = !engine.segments().isEmpty();
    });
  }

  void forget(String profileId) {
    call(() -> engine.forget(profileId));
  }

  /**
   * Forgets erased profiles: their state and memberships, and their changes not yet stored; returns once the changes
   * already handed to the history writer are stored, so that the erasure that follows removes them too.
   */
  void forget(Collection<String> profileIds) {
    call(() -> {
      profileIds.forEach(engine::forget);
      unstored.removeIf(c -> profileIds.contains(c.profileId()));
    });
    try {
      historyWriter.submit(() -> { }).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("an empty task failed", e);
    }
  }

  /** Stores the membership changes still waiting (readers of the history call it first). */
  void flush() {
    call(() -> storeChanges(true));
  }

  Set<String> members(String segment) {
    CompletableFuture<Set<String>> f = new CompletableFuture<>();
    work.add(() -> f.complete(engine.members(segment)));
    return f.join();
  }

  private void call(Runnable r) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    work.add(() -> {
      try {
        r.run();
        f.complete(null);
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    f.join();
  }

  private void run() {
    while (!closed) {
      try {
        Instant now = clock.instant();
        long wait = engine.nextTimer().map(t -> Math.max(0, Duration.between(now, t).toMillis())).orElse(1000L);
        Runnable r = work.poll(Math.min(wait, unstored.isEmpty() ? 1000L : 100L), TimeUnit.MILLISECONDS);
        if (r != null) {
          r.run();
        }
        publish(engine.advance(clock.instant()));
        storeChanges(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("real-time segments failed on a batch: {}", e.getClass().getSimpleName());
      }
    }
  }

  /** Changes published but not yet in the membership history; stored every 100 ms (or 1,000 changes). */
  private final List<MembershipChange> unstored = new ArrayList<>();
  private long storedAt = System.nanoTime();

  /** Writes the history off the feed's thread, so a database write never delays a decision. */
  private final ExecutorService historyWriter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "segmenta-membership-history");
    t.setDaemon(true);
    return t;
  });

  private void storeChanges(boolean force) {
    if (!unstored.isEmpty() && (force || unstored.size() >= 1000 || System.nanoTime() - storedAt > 100_000_000L)) {
      List<MembershipChange> batch = List.copyOf(unstored);
      unstored.clear();
      storedAt = System.nanoTime();
      Future<?> f = historyWriter.submit(() -> store.membership().recordMembershipChanges(batch));
      if (force) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
    }
  }

  /** Listeners first (latency), then the history, in batches. */
  private void publish(List<MembershipChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    unstored.addAll(changes);
    for (Consumer<List<MembershipChange>> l : listeners) {
      try {
        l.accept(changes);
      } catch (RuntimeException e) {
        LOG.error("a membership listener failed: {}", e.getClass().getSimpleName());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    storeChanges(true);
    historyWriter.shutdown();
  }
}
