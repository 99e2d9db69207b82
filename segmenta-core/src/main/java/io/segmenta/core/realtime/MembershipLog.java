package io.segmenta.core.realtime;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Which saved segments are kept up to date on every event, and the history of their membership changes. */
public interface MembershipLog {

  /** Marks a saved segment real-time (or not): its membership is then kept up to date on every event. */
  void setRealtime(String segment, boolean realtime);

  /** The saved segments marked real-time. */
  Set<String> realtimeSegments();

  /** Stores membership changes (the history real-time segments keep). */
  void recordMembershipChanges(List<MembershipChange> changes);

  /**
   * Membership changes, oldest first, of a segment (null: all) and a profile (null: all), from {@code since}
   * (inclusive), at most {@code limit}.
   */
  List<MembershipChange> membershipChanges(String segment, String profileId, Instant since, int limit);
}
