package io.segmenta.core.port;

import io.segmenta.core.model.Identifier;
import java.util.BitSet;
import java.util.List;

/**
 * One profile as the decision API's in-memory index reads it: identifiers, the requested traits in the requested
 * order (null-valued when absent), the requested segments it belongs to (bit i for segment i), and whether the
 * requested purpose is consented to.
 */
public record ProfileRow(String id, List<Identifier> identifiers, List<io.segmenta.core.value.Value> traits, BitSet segments, boolean consented) {
  public ProfileRow {
    identifiers = List.copyOf(identifiers);
    traits = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(traits));
    segments = (BitSet) segments.clone();
  }
}
