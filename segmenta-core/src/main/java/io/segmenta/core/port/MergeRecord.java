package io.segmenta.core.port;

import io.segmenta.core.model.Identifier;
import java.time.Instant;
import java.util.List;

/** One entry of the merge log: which profile went into which, the identifiers that moved, when, why, and whether it happened. */
public record MergeRecord(String survivorId, String mergedId, List<Identifier> identifiers, Instant at, String reason, boolean applied) {
  public MergeRecord {
    identifiers = List.copyOf(identifiers);
  }
}
