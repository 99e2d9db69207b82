package io.segmenta.core.journey;

import io.segmenta.core.journey.JourneyLog.Change;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The run changes of one tick not yet written: they are written together at the end of the tick, or with the claim
 * of the next send, in the claim's transaction. Why this keeps a send at most once: nothing is delivered before every
 * change that led to it (and every earlier run's) is durable with its claim, and a change kept after a delivery, if
 * lost in a crash, only makes the run take its send step again, where the key is found sent and nothing is delivered.
 * A run whose steps are lost before a send takes them again after a restart, as if the tick had not happened.
 */
final class PendingChanges {
  private final JourneyLog log;
  private final List<Change> changes = new ArrayList<>();

  PendingChanges(JourneyLog log) {
    this.log = log;
  }

  void add(Change c) {
    changes.add(c);
  }

  /** Claims a send's key with the changes kept so far, in one transaction. */
  void claim(String key, String journey, String profileId, String channel, Instant at) {
    List<Change> before = drain();
    log.claim(before, key, journey, profileId, channel, at);
  }

  /** Claims the keys of a chunk's sends with the changes kept so far, in one transaction. */
  void claim(List<JourneyLog.Claim> claims) {
    List<Change> before = drain();
    if (!before.isEmpty() || !claims.isEmpty()) {
      log.claim(before, claims);
    }
  }

  /** Writes the changes kept so far (before a redelivery of a pending key, and at the end of a tick). */
  void flush() {
    List<Change> before = drain();
    if (!before.isEmpty()) {
      log.apply(before);
    }
  }

  private List<Change> drain() {
    List<Change> out = List.copyOf(changes);
    changes.clear();
    return out;
  }
}
