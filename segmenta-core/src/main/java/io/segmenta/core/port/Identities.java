package io.segmenta.core.port;

import java.time.Instant;
import java.util.List;

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
}
