package io.segmenta.server;

import io.segmenta.core.journey.JourneyEngine;
import io.segmenta.core.model.Event;
import io.segmenta.core.realtime.MembershipChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link JourneyEngine} in the server: entries from the {@link ProfileLifecycle} (events written; erasure
 * removes the person from every journey) and from the real-time feed's membership changes, and one thread that takes
 * the due steps every {@code tick}. Written events and membership changes are only queued where they are published
 * (the journal's writer thread is on the path of every tracking acknowledgement and must not wait for the database);
 * the journey thread enters them at its next tick. Before a tick with due runs it flushes the journal, so a step reads the events
 * that triggered it. Counts and failures go to the {@code journeys} {@link Worker} (GET /admin/status); a delivery that
 * failed is retried by the engine's backoff and, after {@link JourneyEngine#ATTEMPTS}, ends its run as failed.
 */
final class JourneyRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JourneyRunner.class);
  private static final int BATCH = 500;

  private final JourneyEngine engine;
  private final Worker worker;
  private final Runnable flush;
  private final Duration tick;
  private final Queue<Event> events = new ConcurrentLinkedQueue<>();
  private final Queue<MembershipChange> changes = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "journeys");
    t.setDaemon(true);
    return t;
  });

  JourneyRunner(JourneyEngine engine, Worker worker, Runnable flush, Duration tick) {
    this.engine = engine;
    this.worker = worker;
    this.flush = flush;
    this.tick = tick;
    worker.backlog(() -> events.size() + changes.size());
  }

  /** Starts taking due steps; called once the server listens, so a server that failed to start leaves no thread behind. */
  void start() {
    thread.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  void on(ProfileEvent e) {
    if (e instanceof ProfileEvent.Written w) {
      for (Event ev : w.batch().events()) {
        if (ev.profileId() != null) {
          events.add(ev);
        }
      }
    } else if (e instanceof ProfileEvent.Erased x) {
      synchronized (this) {
        events.removeIf(ev -> x.profileIds().contains(ev.profileId()));
        changes.removeIf(c -> x.profileIds().contains(c.profileId()));
        engine.erase(x.profileIds());
      }
    }
  }

  void membership(List<MembershipChange> batch) {
    changes.addAll(batch);
  }

  /** Enters what was queued; under the lock erasure takes, so an erased person is not entered again afterwards. */
  private synchronized void enterQueued() {
    List<Event> ev = new ArrayList<>();
    for (Event e; (e = events.poll()) != null; ) {
      ev.add(e);
    }
    List<MembershipChange> ch = new ArrayList<>();
    for (MembershipChange c; (c = changes.poll()) != null; ) {
      ch.add(c);
    }
    try {
      if (!ev.isEmpty()) {
        engine.onEvents(ev);
      }
      if (!ch.isEmpty()) {
        engine.onMembership(ch);
      }
    } catch (RuntimeException e) {
      // Tried again at the next tick; a profile already entered is not entered twice (one run at a time).
      events.addAll(ev);
      changes.addAll(ch);
      throw e;
    }
  }

  private void tick() {
    try {
      enterQueued();
      if (!engine.hasDue()) {
        return;
      }
      flush.run();
      boolean more = true;
      // Under the lock erasure takes: no step of an erased person is written after the erasure.
      while (more) {
        JourneyEngine.Tick t;
        synchronized (this) {
          t = engine.tick(BATCH);
        }
        worker.processed(t.runs() - t.failed());
        if (t.failed() > 0) {
          worker.failed(t.lastFailure());
          worker.retried();
          worker.log(LOG, t.lastFailure(), t.failed() + " runs retried later");
        }
        more = t.runs() == BATCH && t.failed() == 0;
      }
    } catch (RuntimeException e) {
      worker.failed(e);
      worker.log(LOG, e, "tick retried");
    }
  }

  void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
