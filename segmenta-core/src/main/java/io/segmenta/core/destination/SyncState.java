package io.segmenta.core.destination;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What the last successful sync of each destination sent: one row per entry (fingerprint, profile, kept value). The
 * next sync diffs against it and sends only the adds and removes. An erased person's rows lose their profile id at
 * once and keep only what removing them downstream needs, until the next sync removes them.
 */
public interface SyncState {

  /** The fingerprints kept for {@code destination}, ascending. */
  long[] fingerprints(String destination);

  /** The kept values of the given fingerprints (in any order). */
  List<String> kept(String destination, long[] fingerprints);

  /** Applies a delivered run: removes the rows of {@code removed}, adds {@code added}, atomically. */
  void apply(String destination, Collection<Entry> added, long[] removed);

  /** Forgets a destination's state (when it is deleted). */
  void forget(String destination);

  /** An erasure: the rows of these profiles keep only what their removal needs; answers the destinations holding them. */
  Set<String> erase(Set<String> profileIds);
}
