package io.segmenta.web;

import io.segmenta.core.SegmentaException;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.port.StoreStats;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long computations of the pages (cluster proposals, lookalikes, CLV fits, a page's figures over a large shop) run
 * here, off the request: a page starts one under a key that names everything its answer depends on, returns at once
 * with the job's state, and htmx asks again until the job is done (the {@code job.peb} partial). The same key finds
 * the same job, running or done, so a second visitor or a reload waits for the same work instead of starting it
 * again; the newest {@value #KEPT} jobs are kept. Work reports what it is doing through {@link Progress}. Two threads:
 * the machine's cores are shared with the server's own work.
 *
 * <p>A job that fails with the user's mistake ({@link SegmentaException#isUserError()}) shows its message; any other
 * failure shows a generic sentence, and the log gets its cause chain's classes, never a message (it may quote data).
 */
final class Jobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
  static final int KEPT = 64;
  /** How long a page waits for its job before answering with the job's progress (the page budget is 300 ms). */
  static final Duration SHORT_WAIT = Duration.ofMillis(150);

  /** What a running job is doing, in a few words ("reading 1,000,000 profiles"), written by the work. */
  static final class Progress {
    private volatile String step = "starting";

    void step(String s) {
      step = s;
    }

    String step() {
      return step;
    }
  }

  /** One job: what it computes, when it started, its progress and its outcome. */
  static final class Job {
    private final String what;
    private final long started = System.nanoTime();
    private final Progress progress = new Progress();
    private final CompletableFuture<Object> outcome = new CompletableFuture<>();
    private volatile long finished;

    private Job(String what) {
      this.what = what;
    }

    /** Waits at most {@code d} for the job to finish (a small shop's figures are ready at once); then this job either way. */
    Job await(Duration d) {
      try {
        outcome.get(d.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Still running, or failed: the view says which.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return this;
    }

    boolean done() {
      return outcome.isDone();
    }

    /** The result once done without failure. */
    Optional<Object> result() {
      return outcome.isDone() && !outcome.isCompletedExceptionally() ? Optional.of(outcome.join()) : Optional.empty();
    }

    /** What the page says of this job: running (with its step and time), failed (with why) or done (with its value). */
    Map<String, Object> view() {
      Map<String, Object> m = new HashMap<>();
      m.put("what", what);
      long end = finished == 0 ? System.nanoTime() : finished;
      m.put("seconds", String.format(Locale.ROOT, "%.1f", Duration.ofNanos(end - started).toMillis() / 1000.0));
      m.put("step", progress.step());
      boolean failed = outcome.isCompletedExceptionally();
      m.put("running", !outcome.isDone());
      m.put("failed", failed);
      m.put("done", outcome.isDone() && !failed);
      m.put("error", failed ? error() : "");
      m.put("value", result().orElse(Map.of()));
      return m;
    }

    private String error() {
      try {
        outcome.join();
        return "";
      } catch (RuntimeException e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        return c instanceof SegmentaException s && s.isUserError() ? s.getMessage() : "the computation failed; see the server's log";
      }
    }
  }

  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Map<String, String> latest = new HashMap<>();
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "segmenta-web-job-" + threads.incrementAndGet());
    t.setDaemon(true);
    t.setPriority(Thread.NORM_PRIORITY - 1);
    return t;
  });

  /**
   * The job under {@code key}: the one already running or done, or a new one computing {@code work} in the
   * background. Returns at once.
   */
  synchronized Job start(String key, String what, Function<Progress, Object> work) {
    Job j = jobs.get(key);
    if (j != null && !(j.outcome.isCompletedExceptionally())) {
      return j;
    }
    Job fresh = new Job(what);
    jobs.remove(key);
    jobs.put(key, fresh);
    trim();
    pool.execute(() -> {
      try {
        fresh.outcome.complete(work.apply(fresh.progress));
      } catch (RuntimeException | Error e) {
        if (!(e instanceof SegmentaException s && s.isUserError())) {
          LOG.warn("background job '{}' failed: {}", what, chain(e));
        }
        fresh.outcome.completeExceptionally(e);
      } finally {
        fresh.finished = System.nanoTime();
      }
    });
    return fresh;
  }

  /** Remembers that {@code owner} (a user and a page) last started the job under {@code key}. */
  synchronized void remember(String owner, String key) {
    latest.put(owner, key);
  }

  /** The job {@code owner} last started, if it is still kept. */
  synchronized Optional<Job> latest(String owner) {
    String key = latest.get(owner);
    return key == null ? Optional.empty() : Optional.ofNullable(jobs.get(key));
  }

  /** The job under {@code key}, if one was started and is still kept. */
  synchronized Optional<Job> find(String key) {
    return Optional.ofNullable(jobs.get(key));
  }

  /** Forgets the job under {@code key} (its inputs changed), so the next page starts it again. */
  synchronized void forget(String key) {
    jobs.remove(key);
  }

  /**
   * What every page's figures depend on: the as-of they are read at (to the minute), the store's size and newest
   * event, and the saved segments with their times of change. A key made of it and the page's own inputs finds a
   * finished job again only while none of them changed.
   */
  static String dataKey(Visit v) {
    StoreStats s = v.store().profiles().stats();
    StringBuilder b = new StringBuilder();
    b.append(v.asOf().truncatedTo(ChronoUnit.MINUTES)).append('|').append(s.profiles()).append('|').append(s.events()).append('|')
        .append(s.lastEvent());
    for (SegmentDefinition d : v.store().segmentDefinitions().all()) {
      b.append('|').append(d.name()).append('@').append(d.updatedAt());
    }
    return b.toString();
  }

  private void trim() {
    Iterator<Map.Entry<String, Job>> it = jobs.entrySet().iterator();
    while (jobs.size() > KEPT && it.hasNext()) {
      if (it.next().getValue().done()) {
        it.remove();
      }
    }
  }

  private static String chain(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null && b.length() < 300; t = t.getCause() == t ? null : t.getCause()) {
      b.append(b.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName());
    }
    return b.toString();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
