package io.segmenta.server;

import io.segmenta.core.journey.JourneyEngine;
import io.segmenta.core.realtime.MembershipChange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link JourneyEngine} in the server: entries from the {@link ProfileLifecycle} (events written; erasure
 * removes the person from every journey) and from the real-time feed's membership changes, and one thread that takes
 * the due steps every {@code tick}. Before a tick with due runs it flushes the journal, so a step reads the events
 * that triggered it. Counts and failures go to the {@code journeys} {@link Worker} (GET /admin/status); a delivery that
 * failed is retried by the engine's backoff and, after {@link JourneyEngine#ATTEMPTS}, ends its run as failed.
 */
final class JourneyRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JourneyRunner.class);
  private static final int BATCH = 500;

  private final JourneyEngine engine;
  private final Worker worker;
  private final Runnable flush;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "journeys");
    t.setDaemon(true);
    return t;
  });

  JourneyRunner(JourneyEngine engine, Worker worker, Runnable flush, Duration tick) {
    this.engine = engine;
    this.worker = worker;
    this.flush = flush;
    thread.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  void on(ProfileEvent e) {
    if (e instanceof ProfileEvent.Written w) {
      engine.onEvents(w.batch().events());
    } else if (e instanceof ProfileEvent.Erased x) {
      engine.erase(x.profileIds());
    }
  }

  void membership(List<MembershipChange> changes) {
    try {
      engine.onMembership(changes);
    } catch (RuntimeException e) {
      worker.failed(e);
      worker.log(LOG, e, "membership changes not entered");
      throw e;
    }
  }

  private void tick() {
    try {
      if (!engine.hasDue()) {
        return;
      }
      flush.run();
      boolean more = true;
      while (more) {
        JourneyEngine.Tick t = engine.tick(BATCH);
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
