package io.segmenta.core.journey;

import io.segmenta.core.journey.JourneyLog.Run;
import io.segmenta.core.journey.JourneyLog.StepRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entries offered, then decided and written together: for each journey, the entries of all its offered profiles are
 * read in one query, each offer is decided against them (and against the offers before it, so a profile offered
 * twice enters once), and the runs, their records and the kept memberships are written in one transaction per
 * {@link #BATCH}. Why batches keep exactly once: a batch is written whole or not at all, a run is only due once it
 * is written, and every send is claimed by its key later, at its step; a batch a crash lost is made again by the
 * catch-up (an event with no run of its cause; a member missing from the kept copy), never twice.
 */
final class Admissions {
  /** Entries in one transaction: the size of a batch (a larger offer is written in several). */
  static final int BATCH = 5_000;

  private final JourneyLog log;
  private final Clock clock;
  private final Object entering;

  /** {@code entering}: the lock every admission of the engine takes, so no two decide on the same entries at once. */
  Admissions(JourneyLog log, Clock clock, Object entering) {
    this.log = log;
    this.clock = clock;
    this.entering = entering;
  }

  private record Offer(Journey journey, String profileId, String cause, String eventId) {}

  private final List<Offer> offers = new ArrayList<>();
  private final List<JourneyLog.Membership> memberships = new ArrayList<>();

  /** Offers an entry (with the membership change that caused it, if one was given first). */
  void offer(Journey j, String profileId, String cause, String eventId) {
    offers.add(new Offer(j, profileId, cause, eventId));
    next();
  }

  /** A kept membership to change; written with the offer that follows it, if any (call {@link #next} if none). */
  void membership(JourneyLog.Membership m) {
    memberships.add(m);
  }

  /** Writes a full batch. */
  void next() {
    if (offers.size() >= BATCH || memberships.size() >= BATCH) {
      // admit() returns what this admission wrote so far, the earlier batches included.
      written = admit();
    }
  }

  private int written;

  /** Decides and writes what was offered; returns every entry made by this admission. */
  int admit() {
    Instant now = clock.instant();
    List<JourneyLog.Entry> entries = new ArrayList<>();
    synchronized (entering) {
      Map<String, Map<String, JourneyLog.Entries>> known = new HashMap<>();
      Map<String, List<String>> byJourney = new LinkedHashMap<>();
      for (Offer o : offers) {
        byJourney.computeIfAbsent(o.journey().key(), k -> new ArrayList<>()).add(o.profileId());
      }
      byJourney.forEach((k, ids) -> known.put(k, new HashMap<>(log.entries(k, ids))));
      for (Offer o : offers) {
        Journey j = o.journey();
        Map<String, JourneyLog.Entries> m = known.get(j.key());
        JourneyLog.Entries e = m.getOrDefault(o.profileId(), JourneyLog.Entries.NONE);
        if (e.running() || (e.count() > 0 && !JourneyEngine.mayReenter(j.reentry(), e, now))) {
          continue;
        }
        Run r = new Run(j.key(), o.profileId(), e.count() + 1, j.version(), j.first().id(), now, 0, now, now);
        entries.add(new JourneyLog.Entry(r, new StepRecord(j.key(), o.profileId(), r.entry(), j.first().id(), "entered", o.cause(), now), o.eventId()));
        m.put(o.profileId(), new JourneyLog.Entries(r.entry(), now, true));
      }
      log.enter(entries, memberships);
    }
    offers.clear();
    memberships.clear();
    int n = written + entries.size();
    written = 0;
    return n;
  }
}
