package io.segmenta.server;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The counters and last failure of one background job (the journal's applier, the real-time feed, the membership
 * history writer, the exposure writer, webhook deliveries, decision reloads), updated by the job and read by
 * {@link #status()}. Thread-safe. Its log lines carry the job's name, counts and the failure's cause chain (class
 * names), never a message or an id: messages may quote personal data.
 *
 * <p>Retry and park follow one rule everywhere: an attempt that fails is retried after {@link #backoff(int)} (100 ms
 * doubling to 5 s, as {@link Journal} does) up to {@link #ATTEMPTS} times; then the item is parked with its cause in
 * the job's parked file, never dropped.
 */
final class Worker {
  /** Attempts before an item is parked. */
  static final int ATTEMPTS = 5;
  static final long BACKOFF_MILLIS = 100;
  static final long MAX_BACKOFF_MILLIS = 5_000;

  private final String name;
  private final Clock clock;
  private final Path parkedIn;
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong parked = new AtomicLong();
  private volatile LongSupplier backlog = () -> 0;
  private volatile BackgroundStatus.Failure lastError;

  Worker(String name, Clock clock, Path parkedIn) {
    this.name = name;
    this.clock = clock;
    this.parkedIn = parkedIn;
  }

  String name() {
    return name;
  }

  Clock clock() {
    return clock;
  }

  /** Where parked items go (null: this job parks nothing). */
  Path parkedIn() {
    return parkedIn;
  }

  /** How much waits, asked when the status is read. */
  void backlog(LongSupplier waiting) {
    this.backlog = waiting;
  }

  void processed(long n) {
    processed.addAndGet(n);
  }

  /** An attempt failed; returns the failure as recorded. */
  BackgroundStatus.Failure failed(Throwable e) {
    failed.incrementAndGet();
    BackgroundStatus.Failure f = BackgroundStatus.Failure.of(e, clock.instant());
    lastError = f;
    return f;
  }

  /** A failed attempt will be tried again. */
  void retried() {
    retried.incrementAndGet();
  }

  /** {@code n} items were parked after their last attempt. */
  void parked(long n) {
    parked.addAndGet(n);
  }

  /** Logs a failed attempt: the job, what happens next, and the cause chain; nothing from the data. */
  void log(Logger log, Throwable e, String next) {
    log.warn("{} failed ({}): {}", name, next, BackgroundStatus.Failure.chain(e));
  }

  /** How long to wait before attempt {@code attempt + 1} (the first retry after 100 ms, doubling, at most 5 s). */
  static long backoff(int attempt) {
    return Math.min(MAX_BACKOFF_MILLIS, BACKOFF_MILLIS << Math.min(20, Math.max(0, attempt - 1)));
  }

  BackgroundStatus status() {
    return new BackgroundStatus(name, processed.get(), failed.get(), retried.get(), parked.get(), backlog.getAsLong(),
        parkedIn == null ? null : parkedIn.getFileName().toString(), lastError);
  }
}
