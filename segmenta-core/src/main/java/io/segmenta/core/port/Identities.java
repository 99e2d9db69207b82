package io.segmenta.core.port;

import io.segmenta.core.model.Identifier;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Identity resolution in the store: merging profiles, the merge log, and who holds an identifier. */
public interface Identities {

  /**
   * Merges profile {@code mergedId} into {@code survivorId}: its events, order lines, identifiers, consent history
   * and membership history become the survivor's; traits merge with the survivor's values winning and the merged
   * profile's filling the gaps; the merged profile is removed; the merge is logged with the identifiers it moved
   * and why. Atomic.
   */
  MergeRecord merge(String survivorId, String mergedId, String reason, Instant at);

  /** Records a merge that was refused (guard rails), so the log explains what did not happen too. */
  void refuseMerge(MergeRecord refused);

  /** The merge log of a profile (as survivor or as merged), oldest first; with {@code null}, everyone's. */
  List<MergeRecord> merges(String profileId);

  /** The profiles that hold an identifier, oldest first. */
  List<String> holders(String kind, String value);

  /**
   * The holders of many identifiers read together, each as {@link #holders(String, String)} answers it (none: an
   * empty list): stitching a journaled batch of thousands of identifies asked once per identify. The default reads
   * one by one.
   */
  default Map<Identifier, List<String>> holders(Collection<Identifier> identifiers) {
    Map<Identifier, List<String>> out = new HashMap<>();
    for (Identifier i : identifiers) {
      out.put(i, holders(i.kind(), i.value()));
    }
    return out;
  }
}
