package io.segmenta.core.realtime;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.SegmentResolver;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Real-time segment membership. Every incoming event updates its profile's history in memory and re-decides the
 * real-time segments with the in-memory evaluator (the reference semantics the SQL compiler is tested against), so
 * a profile enters or leaves as the event arrives. Each profile also gets a timer at its {@link Horizon}: the
 * instant time alone can change a rule's value (an order leaving "the last 30 days"); {@link #advance} fires due
 * timers, deciding at the timer's instant, so an exit is dated exactly when the window passed. Histories are
 * loaded from the store at a profile's first event and kept in a bounded cache (least recently used out).
 *
 * <p>Not thread-safe by itself; the server calls it from one thread.
 */
public final class RealtimeSegments {
  private final Map<String, Rule> rules = new LinkedHashMap<>();
  private final SegmentResolver resolver;
  private final Function<String, Optional<ProfileHistory>> loader;
  private final int capacity;
  /** Profiles in memory: history and current memberships, in access order. */
  private final LinkedHashMap<String, State> states;
  /** Members of each segment (also of profiles not in memory), as last decided. */
  private final Map<String, Set<String>> members = new HashMap<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();

  private static final class State {
    Profile profile;
    final List<Event> events = new ArrayList<>();
    final Set<String> eventIds = new HashSet<>();
    Instant timer;
  }

  private record Timer(Instant at, String profileId) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : profileId.compareTo(o.profileId);
    }
  }

  /**
   * @param loader a profile's stored history, for its first event after start
   * @param capacity profiles kept in memory
   */
  public RealtimeSegments(SegmentResolver resolver, Function<String, Optional<ProfileHistory>> loader, int capacity) {
    this.resolver = resolver;
    this.loader = loader;
    this.capacity = capacity;
    this.states = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** Starts tracking a segment, with its current members (as the batch engine computed them). */
  public void track(String segment, Rule rule, Set<String> currentMembers) {
    rules.put(segment, rule);
    members.put(segment, new HashSet<>(currentMembers));
  }

  public void untrack(String segment) {
    rules.remove(segment);
    members.remove(segment);
  }

  public Set<String> segments() {
    return Set.copyOf(rules.keySet());
  }

  public Set<String> members(String segment) {
    return Set.copyOf(members.getOrDefault(segment, Set.of()));
  }

  /** Applies profiles and events (in any order) and re-decides the profiles they touch at {@code now}. */
  public List<MembershipChange> onEvents(List<Profile> profiles, List<Event> events, Instant now) {
    Map<String, String> touched = new LinkedHashMap<>();
    for (Profile p : profiles) {
      State s = state(p.id());
      s.profile = merge(s.profile, p);
      touched.putIfAbsent(p.id(), "identify");
    }
    List<Event> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(Event::timestamp));
    for (Event e : sorted) {
      if (e.profileId() == null) {
        continue;
      }
      State s = state(e.profileId());
      if (s.eventIds.add(e.id())) {
        s.events.add(e);
      }
      touched.put(e.profileId(), e.id());
    }
    List<MembershipChange> out = new ArrayList<>();
    for (Map.Entry<String, String> t : touched.entrySet()) {
      decide(t.getKey(), states.get(t.getKey()), now, t.getValue(), out);
    }
    trim();
    return out;
  }

  /** Fires every timer due at or before {@code now}, each decided at its own instant. */
  public List<MembershipChange> advance(Instant now) {
    List<MembershipChange> out = new ArrayList<>();
    while (!timers.isEmpty() && !timers.peek().at().isAfter(now)) {
      Timer t = timers.poll();
      State s = states.get(t.profileId());
      if (s == null || !t.at().equals(s.timer)) {
        continue;
      }
      s.timer = null;
      decide(t.profileId(), s, t.at(), "time", out);
    }
    return out;
  }

  /** The earliest pending timer, if any: when {@link #advance} has something to do. */
  public Optional<Instant> nextTimer() {
    while (!timers.isEmpty()) {
      Timer t = timers.peek();
      State s = states.get(t.profileId());
      if (s != null && t.at().equals(s.timer)) {
        return Optional.of(t.at());
      }
      timers.poll();
    }
    return Optional.empty();
  }

  /** Forgets a profile entirely (erasure): history, memberships and timers. */
  public void forget(String profileId) {
    states.remove(profileId);
    members.values().forEach(m -> m.remove(profileId));
  }

  private void decide(String id, State s, Instant at, String cause, List<MembershipChange> out) {
    ProfileHistory h = new ProfileHistory(s.profile, visible(s.events, at));
    Evaluator ev = Evaluator.strict(at, resolver);
    Instant next = null;
    for (Map.Entry<String, Rule> r : rules.entrySet()) {
      boolean now = ev.matches(r.getValue(), h);
      Set<String> m = members.computeIfAbsent(r.getKey(), k -> new HashSet<>());
      boolean was = m.contains(id);
      if (now != was) {
        if (now) {
          m.add(id);
        } else {
          m.remove(id);
        }
        out.add(new MembershipChange(id, r.getKey(), now, at, cause));
      }
      Instant n = Horizon.next(r.getValue(), new ProfileHistory(s.profile, s.events), at, resolver);
      if (n != null && (next == null || n.isBefore(next))) {
        next = n;
      }
    }
    if (next != null && !next.equals(s.timer)) {
      s.timer = next;
      timers.add(new Timer(next, id));
    }
  }

  /** Events the evaluator may see at {@code at}: none from its future. */
  private static List<Event> visible(List<Event> events, Instant at) {
    List<Event> out = new ArrayList<>(events.size());
    for (Event e : events) {
      if (!e.timestamp().isAfter(at)) {
        out.add(e);
      }
    }
    return out;
  }

  private State state(String id) {
    State s = states.get(id);
    if (s == null) {
      s = new State();
      Optional<ProfileHistory> h = loader.apply(id);
      s.profile = h.map(ProfileHistory::profile).orElse(new Profile(id, List.of(), Map.of()));
      if (h.isPresent()) {
        for (Event e : h.get().events()) {
          if (s.eventIds.add(e.id())) {
            s.events.add(e);
          }
        }
      }
      states.put(id, s);
    }
    return s;
  }

  private void trim() {
    while (states.size() > capacity) {
      String eldest = states.keySet().iterator().next();
      states.remove(eldest);
    }
  }

  private static Profile merge(Profile prior, Profile p) {
    if (prior == null) {
      return p;
    }
    Map<String, Value> traits = new TreeMap<>(prior.traits());
    traits.putAll(p.traits());
    Set<Identifier> ids = new LinkedHashSet<>(prior.identifiers());
    ids.addAll(p.identifiers());
    return new Profile(p.id(), List.copyOf(ids), traits);
  }
}
