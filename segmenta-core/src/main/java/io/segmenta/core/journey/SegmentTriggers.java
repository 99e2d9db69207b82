package io.segmenta.core.journey;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.realtime.MembershipChange;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Segment triggers: entering or leaving a real-time segment enters the journey. Each such journey keeps its own copy
 * of its segment's members in the {@link JourneyLog} ({@link #watch}); a change is taken only when it changes the copy,
 * and the copy is updated in the transaction of the entries it causes. Why a copy: the changes come from the
 * real-time feed through memory (queued for the journey thread, and stored in the membership history only every
 * 100 ms), so a crash can lose some; the copy against the segment's members after a restart shows exactly which
 * ({@link #catchUp}).
 */
final class SegmentTriggers {
  private static final int PAGE = 10_000;

  private final Definitions<Journey> journeys;
  private final JourneyLog log;
  private final Supplier<Segments> segments;
  private final Audiences audiences;
  private final Clock clock;
  private final Object entering;
  private final Map<String, String> watched = new ConcurrentHashMap<>();

  SegmentTriggers(Definitions<Journey> journeys, JourneyLog log, Supplier<Segments> segments, Audiences audiences, Clock clock, Object entering) {
    this.journeys = journeys;
    this.log = log;
    this.segments = segments;
    this.audiences = audiences;
    this.clock = clock;
    this.entering = entering;
  }

  /**
   * The changes a crash lost, made now: the members of each watched segment now (the store's answer to its rule) less
   * the journey's copy entered; the copy less the members now left. Made once: the copy is updated with the entries.
   * A person who entered and left again, both changes lost, leaves no difference and is not entered.
   */
  int catchUp(Set<String> realtime) {
    int n = 0;
    for (Journey j : segmentJourneys(realtime)) {
      Trigger.OnSegment t = (Trigger.OnSegment) j.trigger();
      if (!log.watched(j.key()).map(t.segment()::equals).orElse(false)) {
        continue;
      }
      Set<String> now = new HashSet<>(members(t.segment()));
      Set<String> kept = log.members(j.key(), null);
      List<MembershipChange> lost = new ArrayList<>();
      Instant at = clock.instant();
      now.stream().filter(id -> !kept.contains(id)).sorted().forEach(id -> lost.add(new MembershipChange(id, t.segment(), true, at, "catch-up")));
      kept.stream().filter(id -> !now.contains(id)).sorted().forEach(id -> lost.add(new MembershipChange(id, t.segment(), false, at, "catch-up")));
      n += follow(j, lost, " (caught up after a restart)");
    }
    return n;
  }

  /** The segment-triggered journeys over {@code realtime} segments, paused ones too (their copy of members follows). */
  private List<Journey> segmentJourneys(Set<String> realtime) {
    return journeys.all().stream().filter(j -> j.trigger() instanceof Trigger.OnSegment t && realtime.contains(t.segment())).toList();
  }

  /**
   * Starts keeping the members of each segment-triggered journey's segment (a new journey, or one whose trigger
   * changed segment): its members now are not entered (entering is a change), and from then on each change is weighed
   * against the copy. Changes queued before are entered first by the caller, as they came.
   */
  void watch(Set<String> realtime) {
    for (Journey j : segmentJourneys(realtime)) {
      String segment = ((Trigger.OnSegment) j.trigger()).segment();
      if (!segment.equals(watched.get(j.key()))) {
        if (!log.watched(j.key()).map(segment::equals).orElse(false)) {
          log.watch(j.key(), segment, members(segment));
        }
        watched.put(j.key(), segment);
      }
    }
  }

  private List<String> members(String segment) {
    Rule rule = segments.get().ruleOf(segment);
    Instant now = clock.instant();
    List<String> out = new ArrayList<>();
    for (long offset = 0; ; offset += PAGE) {
      List<String> page = audiences.run(new AudienceQuery.Page(rule, now, offset, PAGE));
      out.addAll(page);
      if (page.size() < PAGE) {
        return out;
      }
    }
  }

  /**
   * Enters profiles into the journeys their segment entries and exits trigger; returns the entries made. A journey
   * that keeps its segment's members ({@link #watch}) takes a change only when it changes its copy (an entry of a
   * member already kept is one it made already, at a catch-up), and updates the copy in the entries' transaction.
   */
  int onMembership(List<MembershipChange> changes) {
    int n = 0;
    for (Journey j : journeys.all()) {
      if (j.trigger() instanceof Trigger.OnSegment t) {
        List<MembershipChange> mine = changes.stream().filter(c -> c.segment().equals(t.segment())).toList();
        if (!mine.isEmpty()) {
          n += follow(j, mine, "");
        }
      }
    }
    return n;
  }

  private int follow(Journey j, List<MembershipChange> changes, String note) {
    Trigger.OnSegment t = (Trigger.OnSegment) j.trigger();
    boolean active = !log.paused(j.key());
    Admissions a = new Admissions(log, clock, entering);
    if (!log.watched(j.key()).map(t.segment()::equals).orElse(false)) {
      if (active) {
        changes.stream().filter(c -> c.entered() == t.entering())
            .forEach(c -> a.offer(j, c.profileId(), (c.entered() ? "entered " : "left ") + c.segment() + note, null));
      }
      return a.admit();
    }
    Set<String> kept = log.members(j.key(), changes.stream().map(MembershipChange::profileId).toList());
    for (MembershipChange c : changes) {
      if (c.entered() ? !kept.add(c.profileId()) : !kept.remove(c.profileId())) {
        continue;
      }
      a.membership(new JourneyLog.Membership(j.key(), c.profileId(), c.entered()));
      if (active && c.entered() == t.entering()) {
        a.offer(j, c.profileId(), (c.entered() ? "entered " : "left ") + c.segment() + note, null);
      } else {
        a.next();
      }
    }
    return a.admit();
  }
}
