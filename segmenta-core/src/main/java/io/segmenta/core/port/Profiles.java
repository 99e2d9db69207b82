package io.segmenta.core.port;

import io.segmenta.core.model.ProfileHistory;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Profiles and their events: writing them, reading one person's history, lookups, statistics and erasure. */
public interface Profiles {

  /** Writes profiles (traits merge: a value given replaces the stored one) and events (idempotent by id). */
  WriteResult write(Batch batch);

  StoreStats stats();

  /** The time of the newest event, or null when there is none: {@link StoreStats#lastEvent()} without the counts. */
  default Instant lastEvent() {
    return stats().lastEvent();
  }

  /**
   * The values of an event property over every event that carries it (known customers and guests alike), most
   * common first: what a rule editor offers, and how a marketer sees what the data holds.
   */
  Map<String, Long> propertyValues(String property, int limit);

  /** A profile with all its events, for in-memory evaluation and for looking at one person. */
  Optional<ProfileHistory> history(String profileId);

  /**
   * The histories of several profiles at once (absent ids are left out), for work that evaluates many people in one
   * go (a journey tick): a store answers in a few queries rather than a few per person. The default asks one by one.
   */
  default Map<String, ProfileHistory> histories(Collection<String> profileIds) {
    Map<String, ProfileHistory> out = new LinkedHashMap<>();
    for (String id : profileIds) {
      history(id).ifPresent(h -> out.put(id, h));
    }
    return out;
  }

  /** Whether a profile with this id exists: {@link #history} without reading the events. */
  default boolean exists(String profileId) {
    return history(profileId).isPresent();
  }

  /** The id of the profile an identifier (kind and value, e.g. email) belongs to, if any. */
  Optional<String> findProfile(String kind, String value);

  /** The ids of every profile, in a stable order. */
  List<String> profileIds();

  /**
   * GDPR erasure of profiles, for one person usually all of {@code MergeClosure}'s ids: removes the profiles (with
   * every trait and score), their identifiers, their events (also those sent under their anonymous ids), the order
   * lines of those events, consents, membership history, kept aggregates and the merge-log entries naming any of the
   * ids, then rewrites the database file so no trace stays on disk. Ids that are not profiles (merged away) still
   * have their merge-log entries and membership history removed. Throws a {@link io.segmenta.core.UserException}
   * when none of the ids is a profile, and then changes nothing.
   */
  Erasure erase(Collection<String> profileIds);

  /** Erases one profile; the profiles merged with it are not followed (see {@link #erase(Collection)}). */
  default Erasure erase(String profileId) {
    return erase(List.of(profileId));
  }
}
