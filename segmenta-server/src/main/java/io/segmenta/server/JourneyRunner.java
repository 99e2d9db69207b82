package io.segmenta.server;

import io.segmenta.core.journey.JourneyEngine;
import io.segmenta.core.model.Event;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.ml.recommend.Recommender;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link JourneyEngine} in the server: entries from the {@link ProfileLifecycle} (events written; erasure
 * removes the person from every journey) and from the real-time feed's membership changes, and one thread that takes
 * the due steps every {@code tick}. Written events and membership changes are only queued where they are published
 * (the journal's writer thread is on the path of every tracking acknowledgement and must not wait for the database);
 * the journey thread enters them at its next tick, many per transaction. At start it catches up what a crash lost:
 * events that caused no run, and segment changes that the journeys' kept copies of their segments' members lack. Before a tick with due runs it flushes the journal, so a step reads the events
 * that triggered it. Counts and failures go to the {@code journeys} {@link Worker} (GET /admin/status); a delivery that
 * failed is retried by the engine's backoff and, after {@link JourneyEngine#ATTEMPTS}, ends its run as failed.
 */
final class JourneyRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JourneyRunner.class);
  private static final int BATCH = 500;
  /** How far before its checkpoint a catch-up looks, for clocks that differ and events that arrive late. */
  static final Duration CATCH_UP_MARGIN = Duration.ofMinutes(10);

  private final JourneyEngine engine;
  private final Worker worker;
  private final Runnable flush;
  private final Duration tick;
  private final Clock clock;
  private final Supplier<Set<String>> realtime;
  private final Queue<Event> events = new ConcurrentLinkedQueue<>();
  private final Queue<MembershipChange> changes = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "journeys");
    t.setDaemon(true);
    return t;
  });

  JourneyRunner(JourneyEngine engine, Worker worker, Runnable flush, Duration tick, Clock clock) {
    this(engine, worker, flush, tick, clock, Set::of);
  }

  /** {@code realtime}: the real-time segments, whose changes feed segment triggers (see {@link JourneyEngine#watch}). */
  JourneyRunner(JourneyEngine engine, Worker worker, Runnable flush, Duration tick, Clock clock, Supplier<Set<String>> realtime) {
    this.realtime = realtime;
    this.engine = engine;
    this.clock = clock;
    this.worker = worker;
    this.flush = flush;
    this.tick = tick;
    worker.backlog(() -> events.size() + changes.size());
  }

  /** Starts taking due steps; called once the server listens, so a server that failed to start leaves no thread behind. */
  void start() {
    thread.execute(this::catchUp);
    thread.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Enters what a crash lost between the journal's acknowledgement and the journey thread (see {@link JourneyEngine#catchUp}). */
  private void catchUp() {
    try {
      int n;
      synchronized (this) {
        n = engine.catchUp(CATCH_UP_MARGIN, realtime.get());
      }
      if (n > 0) {
        LOG.info("journeys: {} entries made after a restart from events stored before it", n);
      }
    } catch (RuntimeException e) {
      worker.failed(e);
      worker.log(LOG, e, "journey catch-up failed; entries the last run may have lost are not made");
    }
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

  /**
   * Where the engine sends: the settings' mailer, webhooks signed with the settings' secret, and recommendations from
   * the decisions' recommender (none until it is built): with the order that triggered a run, what is bought or viewed
   * together with its products; otherwise the profile's own; and the store's destinations for audience steps.
   */
  static JourneyEngine.Channels channels(JourneySettings settings, Decisions decisions, Store store, Clock clock) {
    Recommendations recs = (profileId, session, n) -> {
      Recommender r = decisions.recommender();
      if (r == null) {
        return List.of();
      }
      return session.isEmpty() ? r.recommend(profileId, session, n) : r.forSession(session, n, Recommender.Filter.NONE.withMaxPerCategory(Math.max(2, n / 2)));
    };
    // Audience steps reach the destinations through the channels their syncs use, secrets from the environment.
    JourneyEngine.Destinations destinations = new JourneyEngine.Destinations(store.destinationDefinitions(), store.syncState(),
        new Channels(System::getenv, null, clock));
    return new JourneyEngine.Channels(settings.mailer(), settings.webhookSecret() == null ? null : new JourneyWebhooks(settings.webhookSecret()), recs,
        destinations);
  }

  void membership(List<MembershipChange> batch) {
    changes.addAll(batch);
  }

  /** Enters what was queued; under the lock erasure takes, so an erased person is not entered again afterwards. */
  private synchronized void enterQueued() {
    Instant through = clock.instant();
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
      engine.considered(through, !ev.isEmpty());
      // After the queued changes, so those that came before a journey kept its segment's members are entered as they came.
      engine.watch(realtime.get());
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
      synchronized (this) {
        engine.schedule();
      }
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
