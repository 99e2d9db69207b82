package io.segmenta.core.personalize;

import static io.segmenta.core.Preconditions.checkArgument;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recent clicks of every visitor, in memory only: what intent and in-session interests are inferred from. A
 * visitor is an anonymous id until they identify, after which {@link #link} carries their clicks over to the
 * profile, so the interests shown while browsing anonymously survive logging in.
 *
 * <p>Bounded on both axes: a visitor keeps the last {@link #MAX_CLICKS} clicks, and {@link #sweep} drops idle
 * visitors and keeps their number within the limit. Thread-safe.
 */
public final class Sessions {
  public static final int MAX_CLICKS = 50;

  private final Map<String, Deque<Click>> byVisitor = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
  private final int maxVisitors;
  private final Duration idle;

  public Sessions(int maxVisitors, Duration idle) {
    checkArgument(maxVisitors > 0, "maxVisitors must be positive, got %s", maxVisitors);
    checkArgument(!idle.isNegative() && !idle.isZero(), "idle time must be positive, got %s", idle);
    this.maxVisitors = maxVisitors;
    this.idle = idle;
  }

  /** The key of an anonymous visitor. */
  public static String anonymous(String anonymousId) {
    return "a:" + anonymousId;
  }

  /** The key of a known profile. */
  public static String profile(String profileId) {
    return "p:" + profileId;
  }

  public void record(String visitor, Click click) {
    Deque<Click> d = byVisitor.computeIfAbsent(visitor, k -> new ArrayDeque<>());
    synchronized (d) {
      d.addLast(click);
      while (d.size() > MAX_CLICKS) {
        d.removeFirst();
      }
    }
    touch(visitor, click.at());
  }

  /** The visitor's clicks, oldest first. */
  public List<Click> clicks(String visitor) {
    Deque<Click> d = byVisitor.get(visitor);
    if (d == null) {
      return List.of();
    }
    synchronized (d) {
      List<Click> out = new ArrayList<>(d);
      out.sort(Comparator.comparing(Click::at));
      return out;
    }
  }

  /** Moves an anonymous visitor's clicks to a profile (merged in time order); the anonymous session ends. */
  public void link(String anonymousId, String profileId) {
    Deque<Click> from = byVisitor.remove(anonymous(anonymousId));
    lastSeen.remove(anonymous(anonymousId));
    if (from == null) {
      return;
    }
    List<Click> moved;
    synchronized (from) {
      moved = new ArrayList<>(from);
    }
    for (Click c : moved) {
      record(profile(profileId), c);
    }
    Deque<Click> d = byVisitor.get(profile(profileId));
    synchronized (d) {
      List<Click> sorted = new ArrayList<>(d);
      sorted.sort(Comparator.comparing(Click::at));
      d.clear();
      d.addAll(sorted);
    }
  }

  /** Forgets a visitor (a profile's erasure). */
  public void forget(String visitor) {
    byVisitor.remove(visitor);
    lastSeen.remove(visitor);
  }

  public int size() {
    return byVisitor.size();
  }

  private void touch(String visitor, Instant at) {
    lastSeen.merge(visitor, at, (x, y) -> x.isAfter(y) ? x : y);
  }

  /**
   * Drops visitors idle for longer than the idle time, and then, while there are more than the limit, the longest
   * idle. Run off the request path (the server does it every few seconds): it walks every visitor.
   *
   * @return how many visitors were dropped
   */
  public int sweep(Instant now) {
    int dropped = 0;
    Instant cutoff = now.minus(idle);
    for (Map.Entry<String, Instant> e : lastSeen.entrySet()) {
      if (e.getValue().isBefore(cutoff) && lastSeen.remove(e.getKey(), e.getValue())) {
        byVisitor.remove(e.getKey());
        dropped++;
      }
    }
    int over = byVisitor.size() - maxVisitors;
    if (over > 0) {
      List<Map.Entry<String, Instant>> oldest = new ArrayList<>(lastSeen.entrySet());
      oldest.sort(Map.Entry.comparingByValue());
      for (int i = 0; i < over && i < oldest.size(); i++) {
        forget(oldest.get(i).getKey());
        dropped++;
      }
    }
    return dropped;
  }
}
