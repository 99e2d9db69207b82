package io.segmenta.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that publishes what happens to profiles ({@link ProfileEvent}: written, consent changed, merged,
 * erased). The journal publishes writes, consents and merges as they become durable; the erasure route publishes
 * erasures. Subscribers are called in the order they subscribed, on the publisher's thread, each whatever the
 * others did: a subscriber that fails is counted and logged (cause chain only) in the {@code lifecycle} worker, and
 * the first failure is thrown to the publisher once every subscriber has had the event, so an erasure that a
 * subscriber could not complete fails loudly instead of leaving state behind.
 */
final class ProfileLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ProfileLifecycle.class);

  private final List<Consumer<ProfileEvent>> subscribers = new CopyOnWriteArrayList<>();
  private final Worker worker;

  ProfileLifecycle(Worker worker) {
    this.worker = worker;
  }

  void subscribe(Consumer<ProfileEvent> subscriber) {
    subscribers.add(subscriber);
  }

  void publish(ProfileEvent event) {
    RuntimeException first = null;
    for (Consumer<ProfileEvent> s : subscribers) {
      try {
        s.accept(event);
      } catch (RuntimeException e) {
        worker.failed(e);
        worker.log(LOG, e, "a subscriber of " + event.getClass().getSimpleName());
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    worker.processed(1);
    if (first != null) {
      throw first;
    }
  }

  Worker worker() {
    return worker;
  }
}
