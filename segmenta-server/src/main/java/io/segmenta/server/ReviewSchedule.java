package io.segmenta.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.deletion.SegmentDeletion;
import io.segmenta.core.history.History;
import io.segmenta.core.history.Recomputed;
import io.segmenta.core.journey.Mailer;
import io.segmenta.core.review.Alert;
import io.segmenta.core.review.Digest;
import io.segmenta.core.review.Finding;
import io.segmenta.core.review.Review;
import io.segmenta.core.review.Uses;
import io.segmenta.core.store.Store;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The scheduled work of issue 18, on one thread: every {@code every} (a day by default) it records the membership
 * history of the batch segments ({@link History#recompute}), runs the review, keeps its new findings as alerts
 * ({@code store.alerts()}, which the web app reads), posts them to the real-time feed's webhook subscribers (signed
 * as {@link Webhooks} signs: {@code {"alerts": [...]}} to every hook whose segments include the alert's, or to hooks
 * with no segments), and once a week (the first run on or after {@code digestDay}) mails the week's alerts as a
 * digest through the journeys' mailer when a recipient is set. Counts and failures go to its {@link Worker}
 * ({@code history-review} in {@code GET /admin/status}); a failed run is tried again at the next.
 */
final class ReviewSchedule implements AutoCloseable {
  /** How often, and where the digest goes (null: no digest) and on which day. */
  record Settings(Duration every, String digestTo, DayOfWeek digestDay) {
    static final Settings DEFAULT = new Settings(Duration.ofDays(1), null, DayOfWeek.MONDAY);

    /** From {@code SEGMENTA_HISTORY_EVERY} (ISO-8601, e.g. PT6H), {@code SEGMENTA_REVIEW_DIGEST_TO}, {@code SEGMENTA_REVIEW_DIGEST_DAY}. */
    static Settings fromEnvironment() {
      String every = System.getenv("SEGMENTA_HISTORY_EVERY");
      String day = System.getenv("SEGMENTA_REVIEW_DIGEST_DAY");
      Duration d;
      try {
        d = every == null || every.isBlank() ? DEFAULT.every() : Duration.parse(every);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("SEGMENTA_HISTORY_EVERY must be an ISO-8601 duration such as P1D or PT6H, got '" + every + "'");
      }
      if (d.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("SEGMENTA_HISTORY_EVERY must be at least a minute, got '" + every + "'");
      }
      DayOfWeek dow;
      try {
        dow = day == null || day.isBlank() ? DEFAULT.digestDay() : DayOfWeek.valueOf(day.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("SEGMENTA_REVIEW_DIGEST_DAY must be a day of the week such as MONDAY, got '" + day + "'");
      }
      String to = System.getenv("SEGMENTA_REVIEW_DIGEST_TO");
      return new Settings(d, to == null || to.isBlank() ? null : to.trim(), dow);
    }
  }

  private final Store store;
  private final Clock clock;
  private final Worker worker;
  private final Supplier<List<Webhooks.Hook>> hooks;
  private final Mailer mailer;
  private final Settings settings;
  private final Runnable fresh;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "history-review");
    t.setDaemon(true);
    return t;
  });
  /** The ISO week (year * 100 + week) the last digest went out in. */
  private volatile int digestWeek;

  ReviewSchedule(Store store, Clock clock, Worker worker, Supplier<List<Webhooks.Hook>> hooks, Mailer mailer, Settings settings, Runnable fresh) {
    this.store = store;
    this.clock = clock;
    this.worker = worker;
    this.hooks = hooks;
    this.mailer = mailer;
    this.settings = settings;
    this.fresh = fresh;
  }

  /** Starts the schedule: the first run one period after start, so a restart does not recompute at once. */
  void start() {
    long ms = settings.every().toMillis();
    thread.scheduleAtFixedRate(this::runOnce, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** One scheduled run; a failure is counted and left for the next run. */
  void runOnce() {
    try {
      List<Recomputed> runs = recomputeNow();
      worker.processed(runs.size());
      List<Alert> raised = store.alerts().raise(findings().stream().map(f -> Alert.of(f, clock.instant())).toList());
      deliver(raised);
      digest();
    } catch (RuntimeException e) {
      worker.failed(e);
    }
  }

  synchronized List<Recomputed> recomputeNow() {
    fresh.run();
    return new History(store.segmentDefinitions(), store.membership(), store.history()).recompute(clock.instant());
  }

  List<Finding> findings() {
    fresh.run();
    SegmentDeletion deletion = store.segmentDeletion(x -> { });
    Review review = new Review(store.segmentDefinitions(), store.audiences(), store.history(), Uses.of(deletion),
        Review.Settings.DEFAULT);
    return review.findings(clock.instant(), store.profiles().stats().lastEvent());
  }

  /** Posts new alerts to each subscriber that wants their segment, signed with its secret; a failure is counted. */
  void deliver(List<Alert> alerts) {
    for (Webhooks.Hook h : hooks.get()) {
      List<Alert> wanted = alerts.stream().filter(a -> h.segments().isEmpty() || h.segments().contains(a.segment())).toList();
      if (wanted.isEmpty()) {
        continue;
      }
      byte[] body = json(wanted).toString().getBytes(StandardCharsets.UTF_8);
      HttpRequest req = HttpRequest.newBuilder(URI.create(h.url())).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
          .header("X-Segmenta-Signature", "sha256=" + Webhooks.sign(h.secret(), body)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      try {
        HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 != 2) {
          worker.failed(new IOException("alert webhook answered " + r.statusCode()));
        }
      } catch (IOException e) {
        worker.failed(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Mails the week's alerts once per ISO week, on or after the digest day, when a recipient is set. */
  void digest() {
    if (settings.digestTo() == null) {
      return;
    }
    LocalDate today = LocalDate.ofInstant(clock.instant(), clock.getZone());
    int week = today.get(IsoFields.WEEK_BASED_YEAR) * 100 + today.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
    if (week == digestWeek || today.getDayOfWeek().getValue() < settings.digestDay().getValue()) {
      return;
    }
    Instant since = clock.instant().minus(Duration.ofDays(7));
    mailer.send(Digest.of(store.alerts().alerts(since, 1000), today, settings.digestTo()));
    digestWeek = week;
  }

  static ObjectNode json(List<Alert> alerts) {
    ObjectNode o = Http.JSON.createObjectNode();
    ArrayNode a = o.putArray("alerts");
    alerts.forEach(x -> a.add(HistoryRoutes.alertJson(x)));
    return o;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
