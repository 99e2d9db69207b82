package io.segmenta.server;

import io.segmenta.core.SegmentaException;
import io.segmenta.core.consent.ConsentPolicy;
import io.segmenta.core.model.Event;
import io.segmenta.core.personalize.Personalization;
import io.segmenta.core.personalize.Personalizer;
import io.segmenta.core.personalize.ProfileIndex;
import io.segmenta.core.personalize.Sessions;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.port.Batch;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.ml.recommend.Recommender;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.personalize.Click;
import io.segmenta.core.personalize.Intent;
import io.segmenta.core.value.Value;
import java.time.Instant;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.privacy.Purpose;
import java.io.IOException;

/**
 * The decision API's live state: the current {@link Personalization} (placements compiled, profiles indexed),
 * reloaded on a schedule and whenever placements change, with real-time membership changes and consent choices
 * applied to the index as they happen; the recommender, rebuilt on the same schedule; and the experiment exposures
 * decisions produce, written to the store in batches off the request path.
 *
 * <p>A reload that fails (a placement refers to a segment since deleted, say) keeps the previous state and is
 * reported in {@link #lastError()} and the {@code decisions} worker: decisions never stop because of an edit. Exposures
 * the store refuses are kept and written again each second; after {@link Worker#ATTEMPTS} failures in a row they are
 * parked in the {@code exposures} worker's file as event lines {@code segmenta import} reads, never dropped.
 */
final class Decisions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Decisions.class);

  private final Store store;
  private final Clock clock;
  private final Sessions sessions = new Sessions(1_000_000, Duration.ofMinutes(30));
  private final AtomicReference<Personalization> current = new AtomicReference<>();
  private final AtomicReference<Recommender> recommender = new AtomicReference<>();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final ConcurrentLinkedQueue<Event> exposures = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService scheduler;
  /** Run after each load, on the loading thread (campaign choices reload with the decisions). */
  private final List<Runnable> afterLoad = new CopyOnWriteArrayList<>();
  private volatile boolean loaded;
  private final Worker reloads;
  private final Worker exposureWriter;
  /** Failed writes in a row of the exposures waiting; guarded by {@code this}. */
  private int exposureAttempts;

  /** Decisions counting their work in workers of their own that park nothing (tests of decisions alone). */
  Decisions(Store store, Clock clock, Duration refresh) {
    this(store, clock, refresh, new Worker("decisions", clock, null), new Worker("exposures", clock, null));
  }

  /** Decisions counting reloads in {@code reloads} and exposure writes in {@code exposureWriter} (which parks in its file). */
  Decisions(Store store, Clock clock, Duration refresh, Worker reloads, Worker exposureWriter) {
    this.store = store;
    this.clock = clock;
    this.reloads = reloads;
    this.exposureWriter = exposureWriter;
    exposureWriter.backlog(exposures::size);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "segmenta-decisions");
      t.setDaemon(true);
      return t;
    });
    current.set(Personalization.empty(sessions));
    // The first load runs in the background: with a million profiles it takes seconds, and tracking must not wait.
    scheduler.scheduleWithFixedDelay(this::reloadQuietly, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::writeExposures, 1, 1, TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(() -> sessions.sweep(clock.instant()), 10, 10, TimeUnit.SECONDS);
  }

  /** Rebuilds the recommender, recompiles the placements and reloads the profiles; synchronous. */
  synchronized Personalization reload() {
    try {
      long t0 = System.nanoTime();
      Recommender r = Recommender.fromStore(store.catalog(), store.activity(), clock.instant(), Recommender.Options.DEFAULT);
      recommender.set(r);
      Personalization p = load(r);
      LOG.info("decisions loaded: {} placements, {} profiles, recommender of {} products, in {} ms", p.personalizer().placements().size(),
          p.index().size(), r.provenance().products(), (System.nanoTime() - t0) / 1_000_000);
      return p;
    } catch (RuntimeException e) {
      if (e instanceof SegmentaException) {
        lastError.set(e.getMessage());
      }
      reloads.failed(e);
      throw e;
    }
  }

  /**
   * Recompiles the placements and reloads what their rules read, keeping the recommender: what an edit of a
   * placement needs (seconds for a million profiles, where rebuilding recommendations takes most of a minute).
   */
  synchronized Personalization reloadPlacements() {
    Recommender r = recommender.get();
    if (r == null) {
      return reload();
    }
    try {
      return load(r);
    } catch (RuntimeException e) {
      if (e instanceof SegmentaException) {
        lastError.set(e.getMessage());
      }
      reloads.failed(e);
      throw e;
    }
  }

  private Personalization load(Recommender r) {
    Personalization p = Personalization.load(store.catalog(), store.placementDefinitions(), store.experimentDefinitions(),
        new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock), store.audiences(), r, sessions, clock, n -> { });
    current.set(p);
    loaded = true;
    lastError.set(null);
    reloads.processed(1);
    afterLoad.forEach(Runnable::run);
    return p;
  }

  /** Runs {@code r} after each load from now on. */
  void afterLoad(Runnable r) {
    afterLoad.add(r);
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      // The cause chain only: a rule's message can quote a value.
      reloads.log(LOG, e, "reloading; the previous state stays until the next reload");
    }
  }

  Personalizer.Outcome decide(Personalizer.Request request) {
    return decide(request, Personalizer.NO_TAKEOVER);
  }

  /** Decides, with placements taken over for some people (their campaign's): those expose nobody to an experiment. */
  Personalizer.Outcome decide(Personalizer.Request request, Function<String, Optional<Personalizer.Takeover>> takeovers) {
    if (!loaded) {
      throw new Http.Failure(503, "decisions are loading (placements, profiles, recommendations); retry in a few seconds");
    }
    Personalizer.Outcome o = current.get().decide(request, clock.instant(), takeovers);
    expose(o.exposures());
    return o;
  }

  /** Queues exposures for the writer (every second, off the request path). */
  void expose(List<Event> made) {
    exposures.addAll(made);
  }

  /** Whether the first load has finished. */
  boolean loaded() {
    return loaded;
  }

  Personalization state() {
    return current.get();
  }

  Recommender recommender() {
    return recommender.get();
  }

  String lastError() {
    return lastError.get();
  }

  /**
   * What tracking tells the decision API, as soon as it is durable: visitors who identify (an identify call, or an
   * event with both ids) carry their anonymous session over to the profile, and recent page views, product views
   * and cart adds become clicks of the session, so pages need not send them with each decision request.
   */
  void observe(Batch b) {
    for (Profile p : b.profiles()) {
      for (Identifier id : p.identifiers()) {
        if (id.kind().equals("anonymous_id")) {
          sessions.link(id.value(), p.id());
        }
      }
    }
    Instant from = clock.instant().minus(Intent.SESSION);
    for (Event e : b.events()) {
      if (e.profileId() != null && e.anonymousId() != null) {
        sessions.link(e.anonymousId(), e.profileId());
      }
      if (e.timestamp().isBefore(from)) {
        continue;
      }
      Click c;
      try {
        c = click(e);
      } catch (IllegalArgumentException tooLong) {
        continue;
      }
      if (c != null) {
        sessions.record(e.profileId() != null ? Sessions.profile(e.profileId()) : Sessions.anonymous(e.anonymousId()), c);
      }
    }
  }

  /** A tracked event as a click of the session, or null for events that are not browsing. */
  static Click click(Event e) {
    if (e.profileId() == null && e.anonymousId() == null) {
      return null;
    }
    return switch (e.type()) {
      case "product_view" -> new Click(e.timestamp(), Click.Kind.PRODUCT,
          text(e, "category"), text(e, "product_id"));
      case "add_to_cart" -> new Click(e.timestamp(), Click.Kind.CART,
          text(e, "category"), text(e, "product_id"));
      case "page_view" -> Click.of(e.timestamp(), null, text(e, "url"), null, null);
      default -> null;
    };
  }

  private static String text(Event e, String property) {
    return e.property(property) instanceof Value.Str s ? s.value() : null;
  }

  /** Real-time segment changes reach the index at once. */
  void apply(List<MembershipChange> changes) {
    ProfileIndex index = current.get().index();
    for (MembershipChange c : changes) {
      index.setMember(c.profileId(), c.segment(), c.entered());
    }
  }

  /** What decisions do with the profile lifecycle's events: sessions, consent for personalization, erasure. */
  void on(ProfileEvent e) {
    if (e instanceof ProfileEvent.Written w) {
      observe(w.batch());
    } else if (e instanceof ProfileEvent.ConsentChanged c) {
      consentRecorded(c.profileId(), c.choices());
    } else if (e instanceof ProfileEvent.Erased x) {
      forget(x.profileIds(), x.anonymousIds());
      RealtimeFeed.forgetParked(exposureWriter, x);
    }
  }

  /**
   * Recorded consent choices for personalization reach the index at once (a withdrawal must not wait for a reload).
   * The index takes what {@link ConsentPolicy} makes of the whole stored history, not the last choice of the batch:
   * a choice older than one already stored, or a grant tied with a withdrawal, must not turn personalization on.
   */
  void consentRecorded(String profileId, List<ConsentRecord> choices) {
    if (choices.stream().anyMatch(c -> c.purpose() == Purpose.PERSONALIZATION)) {
      current.get().index().setConsent(profileId, ConsentPolicy.allows(store.consent().consents(profileId), Purpose.PERSONALIZATION));
    }
  }

  /**
   * Forgets an erased person: sessions (of the profiles and of their anonymous ids), values in the index, and
   * exposures not yet written. Synchronized with the reloads and the exposure writer: a reload that read the store
   * before the erasure finishes first and is then cleaned, and exposures already taken for writing are in the store
   * before the caller erases it (the erasure route calls this before and after erasing).
   */
  synchronized void forget(Collection<String> profileIds, Collection<String> anonymousIds) {
    for (String id : profileIds) {
      sessions.forget(Sessions.profile(id));
      current.get().index().forget(id);
    }
    anonymousIds.forEach(a -> sessions.forget(Sessions.anonymous(a)));
    exposures.removeIf(e -> profileIds.contains(e.profileId()) || anonymousIds.contains(e.anonymousId()));
  }

  /** Writes queued exposures (also called on close, so none is lost on shutdown). */
  synchronized void writeExposures() {
    List<Event> batch = new ArrayList<>();
    for (Event e; (e = exposures.poll()) != null; ) {
      batch.add(e);
    }
    if (!batch.isEmpty()) {
      try {
        store.profiles().write(new Batch(List.of(), batch));
        exposureWriter.processed(batch.size());
        exposureAttempts = 0;
      } catch (RuntimeException e) {
        BackgroundStatus.Failure f = exposureWriter.failed(e);
        if (++exposureAttempts < Worker.ATTEMPTS || !park(batch, f)) {
          exposures.addAll(batch);
          exposureWriter.retried();
          exposureWriter.log(LOG, e, batch.size() + " exposures, attempt " + exposureAttempts + " of " + Worker.ATTEMPTS + ", retrying in 1 s");
        } else {
          exposureWriter.log(LOG, e, batch.size() + " exposures, attempt " + exposureAttempts + " of " + Worker.ATTEMPTS + ", parked");
          exposureAttempts = 0;
        }
      }
    }
  }

  /** Parks exposures as event lines; false if there is nowhere to park them, or the file cannot be written. */
  private boolean park(List<Event> batch, BackgroundStatus.Failure f) {
    if (exposureWriter.parkedIn() == null) {
      return false;
    }
    try {
      ArrayNode events = Http.JSON.createArrayNode();
      for (Event e : batch) {
        events.add(Http.JSON.readTree(Importer.toJsonLine(e)));
      }
      ParkedFile.append(exposureWriter.parkedIn(), f, Http.JSON.createObjectNode().set("events", events));
      exposureWriter.parked(batch.size());
      return true;
    } catch (IOException io) {
      exposureWriter.failed(io);
      return false;
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    writeExposures();
    // What the store still refuses at shutdown is parked rather than lost with the process.
    synchronized (this) {
      List<Event> left = new ArrayList<>(exposures);
      if (!left.isEmpty() && park(left, exposureWriter.status().lastError() != null ? exposureWriter.status().lastError()
          : BackgroundStatus.Failure.of(new IllegalStateException("the server stopped before they were written"), clock.instant()))) {
        exposures.clear();
      }
    }
  }
}
