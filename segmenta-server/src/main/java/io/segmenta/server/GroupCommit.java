package io.segmenta.server;

import io.segmenta.core.SegmentaException;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Group commit (as databases do for their logs; Gray and Reuter, "Transaction Processing", 9.4.7): requests hand
 * their batch to one writer thread, which writes everything waiting in one transaction and then answers every
 * request in it. A request is still acknowledged only after its data is committed, but a commit costs the same for
 * one event or ten thousand, so under load many requests share one. When a combined write fails, each request's
 * batch is written alone, so one bad request cannot fail the others.
 */
final class GroupCommit implements AutoCloseable {
  /** At most this many events go into one transaction. */
  static final int MAX_EVENTS = 20_000;

  private record Pending(Batch batch, Map<String, List<ConsentRecord>> consents, CompletableFuture<Void> done) {}

  private final Store store;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

  GroupCommit(Store store) {
    this.store = store;
    this.writer = new Thread(this::run, "segmenta-group-commit");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /** Writes the batch and its consent choices; returns once they are committed, or throws what the store threw. */
  void write(Batch batch, Map<String, List<ConsentRecord>> consents) {
    if (closed) {
      throw new Http.Failure(503, "the server is shutting down; send again");
    }
    Pending p = new Pending(batch, consents, new CompletableFuture<>());
    queue.add(p);
    try {
      p.done().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new Http.Failure(503, "the write did not complete within 60 s; send again (a retry stores nothing twice)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Http.Failure(503, "interrupted; send again");
    }
  }

  private void run() {
    List<Pending> group = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.clear();
        group.add(first);
        int events = first.batch().events().size();
        Pending next;
        while (events < MAX_EVENTS && (next = queue.poll()) != null) {
          group.add(next);
          events += next.batch().events().size();
        }
        commit(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void commit(List<Pending> group) {
    if (group.size() > 1) {
      List<Profile> profiles = new ArrayList<>();
      List<Event> events = new ArrayList<>();
      for (Pending p : group) {
        profiles.addAll(p.batch().profiles());
        events.addAll(p.batch().events());
      }
      try {
        store.write(new Batch(profiles, events));
        for (Pending p : group) {
          finish(p);
        }
        return;
      } catch (SegmentaException | IllegalArgumentException e) {
        // fall through: each request alone, so the one that failed the group fails alone
      }
    }
    for (Pending p : group) {
      try {
        store.write(p.batch());
        finish(p);
      } catch (RuntimeException e) {
        p.done().completeExceptionally(e);
      }
    }
  }

  private void finish(Pending p) {
    try {
      p.consents().forEach(store::recordConsent);
      p.done().complete(null);
    } catch (RuntimeException e) {
      p.done().completeExceptionally(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
