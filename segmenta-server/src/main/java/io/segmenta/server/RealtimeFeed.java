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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.port.MergeRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.segmenta.core.model.Event;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs {@link RealtimeSegments} for the server on one thread: durable tracking batches come in as soon as their
 * fsync returns (it subscribes to the {@link ProfileLifecycle}: writes, merges and erasures), timers fire when
 * windows pass, and every membership change is stored (the membership history) and handed to the listeners
 * (Server-Sent Events clients, webhooks, the decision index).
 *
 * <p>Nothing fails in silence: a batch the engine cannot decide (its store read fails, say) is retried with
 * {@link Worker}'s backoff on this thread without holding up the batches after it, and after its last attempt
 * parked in {@code realtime.parked} (the profiles it touched: their events are stored by the journal, and a restart
 * decides their memberships again from the store). A history write that fails is retried on the writer's thread and
 * then parked in {@code membership.parked} as the changes themselves, ready to replay. Both count in workers of
 * their own ({@code realtime}, {@code membership-history}), shown by {@code GET /admin/status}.
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
  private final Worker worker;
  private final Worker history;
  /** Batches waiting for a retry, by when (System.nanoTime()); only the feed's thread touches it. */
  private final List<Retry> retries = new ArrayList<>();
  private final AtomicLong historyBacklog = new AtomicLong();

  private record Retry(long dueNanos, Batch batch, int attempt) {}

  /** A feed whose failures are counted only (tests of the feed alone). */
  RealtimeFeed(Store store, Clock clock) {
    this(store, clock, new Worker("realtime", clock, null), new Worker("membership-history", clock, null));
  }

  /**
   * A feed counting its work in {@code worker} and its history writes in {@code history}; each parks in its
   * worker's file ({@link Worker#parkedIn()}).
   */
  RealtimeFeed(Store store, Clock clock, Worker worker, Worker history) {
    this.store = store;
    this.clock = clock;
    this.worker = worker;
    this.history = history;
    worker.backlog(() -> work.size() + retries.size());
    history.backlog(historyBacklog::get);
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

  /** What the feed does with the profile lifecycle's events. */
  void on(ProfileEvent e) {
    if (e instanceof ProfileEvent.Written w) {
      accept(w.batch());
    } else if (e instanceof ProfileEvent.Merged m) {
      m.merges().stream().filter(MergeRecord::applied).forEach(x -> {
        forget(x.mergedId());
        forget(x.survivorId());
      });
    } else if (e instanceof ProfileEvent.Erased x) {
      forget(x.profileIds());
      forgetParked(worker, x);
      forgetParked(history, x);
    }
  }

  /** Erasure reaches what this feed parked, too. */
  static void forgetParked(Worker w, ProfileEvent.Erased x) {
    if (w.parkedIn() != null) {
      try {
        ParkedFile.forget(w.parkedIn(), x.profileIds(), x.anonymousIds());
      } catch (IOException io) {
        throw new UncheckedIOException("cannot erase from " + w.parkedIn().getFileName() + ": " + io.getMessage(), io);
      }
    }
  }

  /** A durable batch: re-decides the profiles it touches. */
  void accept(Batch b) {
    // With no real-time segment there is nothing to decide (and histories are loaded when one is added).
    if (!b.isEmpty() && tracking) {
      work.add(() -> decide(b, 1));
    }
  }

  /** Decides a batch on the feed's thread; a failure is retried later, then parked (never dropped). */
  private void decide(Batch b, int attempt) {
    try {
      publish(engine.onEvents(b.profiles(), b.events(), clock.instant()));
      worker.processed(b.events().size());
    } catch (RuntimeException e) {
      BackgroundStatus.Failure f = worker.failed(e);
      if (attempt < Worker.ATTEMPTS) {
        worker.retried();
        worker.log(LOG, e, "a batch, attempt " + attempt + " of " + Worker.ATTEMPTS + ", retrying");
        retries.add(new Retry(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Worker.backoff(attempt)), b, attempt + 1));
      } else {
        worker.log(LOG, e, "a batch, attempt " + attempt + " of " + Worker.ATTEMPTS + ", parking it");
        park(b, f);
      }
    }
  }

  private void park(Batch b, BackgroundStatus.Failure f) {
    ObjectNode item = Http.JSON.createObjectNode();
    ArrayNode ps = item.putArray("profiles");
    Set<String> ids = new TreeSet<>();
    Set<String> anonymous = new TreeSet<>();
    b.profiles().forEach(p -> ids.add(p.id()));
    for (Event e : b.events()) {
      if (e.profileId() != null) {
        ids.add(e.profileId());
      } else {
        anonymous.add(e.anonymousId());
      }
    }
    ids.forEach(id -> ps.addObject().put("profileId", id));
    anonymous.forEach(id -> ps.addObject().put("anonymousId", id));
    item.put("events", b.events().size());
    parkOrKeep(worker, item, f, () -> retries.add(new Retry(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Worker.MAX_BACKOFF_MILLIS), b,
        Worker.ATTEMPTS)));
  }

  /** Parks an item in the worker's file; if that fails too (or the worker has no file), {@code keep} holds on to it. */
  private static void parkOrKeep(Worker w, JsonNode item, BackgroundStatus.Failure f, Runnable keep) {
    if (w.parkedIn() != null) {
      try {
        ParkedFile.append(w.parkedIn(), f, item);
        w.parked(1);
        return;
      } catch (IOException io) {
        w.failed(io);
        w.log(LOG, io, "cannot park; keeping the item to try again");
      }
    }
    keep.run();
  }

  /** The batches whose retry is due, run now (on the feed's thread). */
  private void retryDue() {
    if (retries.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    List<Retry> due = retries.stream().filter(r -> r.dueNanos() - now <= 0).toList();
    retries.removeAll(due);
    due.forEach(r -> decide(r.batch(), r.attempt()));
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
      // A batch waiting for its retry would decide them again: their events are erased, so it goes too.
      retries.removeIf(r -> r.batch().profiles().stream().anyMatch(p -> profileIds.contains(p.id()))
          || r.batch().events().stream().anyMatch(e -> profileIds.contains(e.profileId())));
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
        Runnable r = work.poll(Math.min(wait, unstored.isEmpty() && retries.isEmpty() ? 1000L : 100L), TimeUnit.MILLISECONDS);
        if (r != null) {
          r.run();
        }
        retryDue();
        publish(engine.advance(clock.instant()));
        storeChanges(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // Timers (windows passing) and calls from other threads; their callers see their own failures.
        worker.failed(e);
        worker.log(LOG, e, "a timer or call");
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
      historyBacklog.addAndGet(batch.size());
      Future<?> f = historyWriter.submit(() -> record(batch));
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

  /**
   * Stores changes in the membership history on the writer's thread: retried with backoff, then parked in the
   * history worker's file as the changes themselves (the history API's form), so none is lost.
   */
  private void record(List<MembershipChange> batch) {
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          store.membership().recordMembershipChanges(batch);
          history.processed(batch.size());
          return;
        } catch (RuntimeException e) {
          BackgroundStatus.Failure f = history.failed(e);
          if (attempt >= Worker.ATTEMPTS) {
            history.log(LOG, e, batch.size() + " changes, attempt " + attempt + " of " + Worker.ATTEMPTS + ", parking them");
            ObjectNode item = Http.JSON.createObjectNode();
            ArrayNode a = item.putArray("changes");
            batch.forEach(c -> a.add(Webhooks.json(c)));
            if (history.parkedIn() != null) {
              try {
                ParkedFile.append(history.parkedIn(), f, item);
                history.parked(batch.size());
                return;
              } catch (IOException io) {
                history.failed(io);
              }
            }
            history.log(LOG, e, "cannot park; retrying in " + Worker.MAX_BACKOFF_MILLIS + " ms");
            attempt = Worker.ATTEMPTS - 1;
          } else {
            history.log(LOG, e, batch.size() + " changes, attempt " + attempt + " of " + Worker.ATTEMPTS + ", retrying");
          }
          history.retried();
          Thread.sleep(Worker.backoff(attempt));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      historyBacklog.addAndGet(-batch.size());
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
        // The listener lost these changes (the history keeps them); counted, never silent.
        worker.failed(e);
        worker.log(LOG, e, "a membership listener");
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
