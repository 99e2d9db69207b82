package io.segmenta.core.personalize;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.port.ProfileRow;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Every profile as the decision API needs it, in memory: a decision must take well under a millisecond, which no
 * query can. Loaded in one pass from the store ({@link AudienceQuery.Rows}) with only the traits and segments the
 * placements' rules read; computed traits are taken at the load's "as of" and say so ({@link #asOf}). Columnar
 * (one array per trait, one bit per segment), which keeps a million profiles in tens of megabytes plus their values.
 *
 * <p>Membership of real-time segments and withdrawn consent are applied as they happen ({@link #setMember},
 * {@link #setConsent}); the rest is as fresh as the last load, which the server repeats on a schedule.
 */
public final class ProfileIndex {
  private final Instant asOf;
  private final List<String> traits;
  private final Map<String, Integer> traitPosition = new HashMap<>();
  private final List<String> segments;
  private final Map<String, Integer> segmentPosition = new HashMap<>();
  private final int words;
  private final Map<String, Integer> byId;
  private final Map<String, Integer> byAnonymousId;
  private final String[] ids;
  private final Value[][] columns;
  private final long[] bits;
  private final boolean[] consented;

  private ProfileIndex(Instant asOf, List<String> traits, List<String> segments, List<ProfileRow> rows) {
    this.asOf = asOf;
    this.traits = List.copyOf(traits);
    this.segments = List.copyOf(segments);
    for (int i = 0; i < traits.size(); i++) {
      traitPosition.put(traits.get(i), i);
    }
    for (int i = 0; i < segments.size(); i++) {
      segmentPosition.put(segments.get(i), i);
    }
    int n = rows.size();
    words = Math.max(1, (segments.size() + 63) / 64);
    byId = new HashMap<>(n * 2);
    byAnonymousId = new HashMap<>();
    ids = new String[n];
    columns = new Value[traits.size()][n];
    bits = new long[n * words];
    consented = new boolean[n];
    for (int i = 0; i < n; i++) {
      ProfileRow r = rows.get(i);
      ids[i] = r.id();
      byId.put(r.id(), i);
      for (Identifier id : r.identifiers()) {
        if (id.kind().equals("anonymous_id")) {
          byAnonymousId.put(id.value(), i);
        }
      }
      for (int t = 0; t < traits.size(); t++) {
        Value v = r.traits().get(t);
        columns[t][i] = v == null || v.isNull() ? null : v;
      }
      for (int s = r.segments().nextSetBit(0); s >= 0; s = r.segments().nextSetBit(s + 1)) {
        bits[i * words + s / 64] |= 1L << (s % 64);
      }
      consented[i] = r.consented();
    }
  }

  /** An index of the given rows (for other sources than a store, and tests). */
  public static ProfileIndex of(Instant asOf, List<String> traits, List<String> segments, List<ProfileRow> rows) {
    return new ProfileIndex(asOf, traits, segments, rows);
  }

  /** An index of nobody, for a server that has not loaded yet. */
  public static ProfileIndex empty() {
    return new ProfileIndex(Instant.EPOCH, List.of(), List.of(), List.of());
  }

  /**
   * Loads every profile with the named traits and its membership in the named segments at {@code asOf};
   * {@code progress} hears the number of profiles read so far, every 10,000.
   */
  public static ProfileIndex load(Audiences audiences, List<String> traits, Map<String, Rule> segments, Instant asOf, LongConsumer progress) {
    List<ProfileRow> rows = new ArrayList<>();
    List<String> names = new ArrayList<>(segments.keySet());
    List<Rule> rules = names.stream().map(segments::get).toList();
    audiences.run(new AudienceQuery.Rows(traits, List.of("anonymous_id"), rules, asOf, Purpose.PERSONALIZATION, r -> {
      rows.add(r);
      if (rows.size() % 10_000 == 0) {
        progress.accept(rows.size());
      }
    }));
    progress.accept(rows.size());
    return new ProfileIndex(asOf, traits, names, rows);
  }

  public Instant asOf() {
    return asOf;
  }

  public int size() {
    return ids.length;
  }

  public List<String> traits() {
    return traits;
  }

  public List<String> segments() {
    return segments;
  }

  /** The position of a profile by its id, or -1. */
  public int find(String profileId) {
    Integer i = profileId == null ? null : byId.get(profileId);
    return i == null ? -1 : i;
  }

  /** The position of the profile an anonymous id was stitched to, or -1. */
  public int findAnonymous(String anonymousId) {
    Integer i = anonymousId == null ? null : byAnonymousId.get(anonymousId);
    return i == null ? -1 : i;
  }

  public String id(int position) {
    return ids[position];
  }

  /** A loaded trait's value, or null when absent or not loaded. */
  public Value trait(int position, String trait) {
    Integer t = traitPosition.get(trait);
    return t == null ? null : columns[t][position];
  }

  public boolean loaded(String trait) {
    return traitPosition.containsKey(trait);
  }

  public boolean holds(String segment) {
    return segmentPosition.containsKey(segment);
  }

  public boolean member(int position, String segment) {
    Integer s = segmentPosition.get(segment);
    return s != null && (bits[position * words + s / 64] & (1L << (s % 64))) != 0;
  }

  public boolean consented(int position) {
    return consented[position];
  }

  /** Applies a membership change (of a real-time segment) to a loaded profile; others are ignored. */
  public synchronized void setMember(String profileId, String segment, boolean member) {
    int p = find(profileId);
    Integer s = segmentPosition.get(segment);
    if (p < 0 || s == null) {
      return;
    }
    int w = p * words + s / 64;
    bits[w] = member ? bits[w] | (1L << (s % 64)) : bits[w] & ~(1L << (s % 64));
  }

  /** Drops an erased profile's values, memberships and consent at once; the id goes with the next load. */
  public synchronized void forget(String profileId) {
    int p = find(profileId);
    if (p < 0) {
      return;
    }
    consented[p] = false;
    for (Value[] column : columns) {
      column[p] = null;
    }
    for (int w = 0; w < words; w++) {
      bits[p * words + w] = 0;
    }
  }

  /** Applies a consent choice for personalization to a loaded profile (a withdrawal takes effect at once). */
  public void setConsent(String profileId, boolean granted) {
    int p = find(profileId);
    if (p >= 0) {
      consented[p] = granted;
    }
  }
}
