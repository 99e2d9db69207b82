package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
 * ({@code history-review} in {@code GET /admin/status}: {@code processed} counts segments recomputed, alert posts
 * delivered and digests sent); a failed run is tried again at the next.
 *
 * <p>Alert posts follow the workers' one rule ({@link Worker#backoff}: 100 ms doubling, {@link Worker#ATTEMPTS}
 * attempts): each failed attempt counts as failed with its error as the status's last error (the hook's id and the
 * answer, never its URL: it may hold a token), each retry as retried; after the last attempt the post is parked in
 * the worker's parked file ({@code alerts.parked} in the server), with the hook's id and URL and the body to replay.
 *
 * <p>The digest's week is kept in {@code digestState} (a small JSON file in the data directory, replaced atomically),
 * so a restart neither sends a week's digest twice nor skips it: the state is written as {@code sending} before the
 * mail goes and as {@code sent} after, so a crash in between sends that week's digest again at the next check, with
 * the same Message-ID (derived from the week), which mail systems use to drop the duplicate; and the digest is due at
 * start as well as at every run, so restarts more often than {@code every} cannot starve it. A digest covers the
 * alerts since the last one was sent (at most five weeks back; a week the server was down for entirely gets no mail
 * of its own, its alerts go in the next).
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
  private final Path digestState;
  /** The digest's kept state: the week last sent (year * 100 + week, 0: none) and when, and the week being sent. */
  private DigestState digestWeek;

  /** What {@code digestState} holds. */
  record DigestState(int sentWeek, Instant sentAt, int sendingWeek) {
    static final DigestState NONE = new DigestState(0, null, 0);
  }

  ReviewSchedule(Store store, Clock clock, Worker worker, Supplier<List<Webhooks.Hook>> hooks, Mailer mailer, Settings settings, Path digestState,
      Runnable fresh) {
    this.store = store;
    this.clock = clock;
    this.worker = worker;
    this.hooks = hooks;
    this.mailer = mailer;
    this.settings = settings;
    this.fresh = fresh;
    this.digestState = digestState;
    this.digestWeek = readState(digestState);
  }

  /** Starts the schedule: the first run one period after start, so a restart does not recompute at once. */
  void start() {
    long ms = settings.every().toMillis();
    thread.scheduleAtFixedRate(this::runOnce, ms, ms, TimeUnit.MILLISECONDS);
    // The digest is due at start too: a server restarted more often than every period would never send it.
    thread.execute(() -> {
      try {
        digest();
      } catch (RuntimeException e) {
        worker.failed(e);
      }
    });
  }

  /** One scheduled run; answers the alerts it raised (none when it failed: a failure is counted and left for the next run). */
  List<Alert> runOnce() {
    try {
      List<Recomputed> runs = recomputeNow();
      worker.processed(runs.size());
      List<Alert> raised = store.alerts().raise(findings().stream().map(f -> Alert.of(f, clock.instant())).toList());
      deliver(raised);
      digest();
      return raised;
    } catch (RuntimeException e) {
      worker.failed(e);
      return List.of();
    }
  }

  /** The worker's counters and last error, as {@code GET /admin/status} shows them. */
  BackgroundStatus status() {
    return worker.status();
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

  /**
   * Posts new alerts to each subscriber that wants their segment, signed with its secret; a failed attempt is
   * retried after {@link Worker#backoff}, and after {@link Worker#ATTEMPTS} the post is parked.
   */
  void deliver(List<Alert> alerts) {
    for (Webhooks.Hook h : hooks.get()) {
      List<Alert> wanted = alerts.stream().filter(a -> h.segments().isEmpty() || h.segments().contains(a.segment())).toList();
      if (wanted.isEmpty()) {
        continue;
      }
      ObjectNode payload = json(wanted);
      byte[] body = payload.toString().getBytes(StandardCharsets.UTF_8);
      HttpRequest req = HttpRequest.newBuilder(URI.create(h.url())).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
          .header("X-Segmenta-Signature", "sha256=" + Webhooks.sign(h.secret(), body)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      BackgroundStatus.Failure last = null;
      for (int attempt = 1; attempt <= Worker.ATTEMPTS; attempt++) {
        try {
          HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() / 100 == 2) {
            worker.processed(1);
            last = null;
            break;
          }
          last = worker.failed(new IOException("alert webhook " + h.id() + " answered " + r.statusCode() + " (attempt " + attempt + " of " + Worker.ATTEMPTS + ")"));
        } catch (IOException e) {
          last = worker.failed(new IOException("alert webhook " + h.id() + " could not be reached (attempt " + attempt + " of " + Worker.ATTEMPTS + ")", e));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (attempt < Worker.ATTEMPTS) {
          worker.retried();
          try {
            Thread.sleep(Worker.backoff(attempt));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      if (last != null) {
        park(h, payload, last);
      }
    }
  }

  private void park(Webhooks.Hook h, ObjectNode payload, BackgroundStatus.Failure why) {
    worker.parked(1);
    if (worker.parkedIn() == null) {
      return;
    }
    ObjectNode item = Http.JSON.createObjectNode().put("hook", h.id()).put("url", h.url());
    item.set("body", payload);
    try {
      ParkedFile.append(worker.parkedIn(), why, item);
    } catch (IOException e) {
      worker.failed(e);
    }
  }

  /**
   * Mails the alerts since the last digest once per ISO week, on or after the digest day, when a recipient is set;
   * the week is kept in {@code digestState} before and after the mail goes (see the class comment).
   */
  synchronized void digest() {
    if (settings.digestTo() == null) {
      return;
    }
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, clock.getZone());
    int week = today.get(IsoFields.WEEK_BASED_YEAR) * 100 + today.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
    DigestState kept = digestWeek;
    if (week == kept.sentWeek() || today.getDayOfWeek().getValue() < settings.digestDay().getValue()) {
      return;
    }
    Instant weekAgo = now.minus(Duration.ofDays(7));
    Instant since = weekAgo;
    if (kept.sentAt() != null && kept.sentAt().isBefore(weekAgo)) {
      Instant fiveWeeksAgo = now.minus(Duration.ofDays(35));
      since = kept.sentAt().isBefore(fiveWeeksAgo) ? fiveWeeksAgo : kept.sentAt();
    }
    writeState(new DigestState(kept.sentWeek(), kept.sentAt(), week));
    mailer.send(Digest.of(store.alerts().alerts(since, 1000), today, settings.digestTo()));
    writeState(new DigestState(week, now, 0));
    worker.processed(1);
  }

  /** The kept digest state; none when the file is absent. A damaged file is an error naming it, not a fresh start. */
  static DigestState readState(Path file) {
    if (!Files.exists(file)) {
      return DigestState.NONE;
    }
    try {
      JsonNode j = Http.JSON.readTree(file.toFile());
      JsonNode at = j.path("sentAt");
      return new DigestState(j.path("sentWeek").asInt(0), at.isTextual() ? Instant.parse(at.asText()) : null, j.path("sendingWeek").asInt(0));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("the review digest's state in " + file + " cannot be read (" + e.getClass().getSimpleName()
          + "); fix or remove it (removing it may send this week's digest again)", e);
    }
  }

  private void writeState(DigestState s) {
    ObjectNode o = Http.JSON.createObjectNode().put("sentWeek", s.sentWeek()).put("sendingWeek", s.sendingWeek());
    if (s.sentAt() != null) {
      o.put("sentAt", s.sentAt().toString());
    }
    Path tmp = digestState.resolveSibling(digestState.getFileName() + ".tmp");
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(o.toString().getBytes(StandardCharsets.UTF_8)));
      c.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the review digest's state " + tmp + ": " + e.getMessage(), e);
    }
    try {
      Files.move(tmp, digestState, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot replace the review digest's state " + digestState + ": " + e.getMessage(), e);
    }
    digestWeek = s;
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
