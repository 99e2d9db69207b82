package io.segmenta.core.port;

import io.segmenta.core.model.Identifier;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * One profile as the decision API's in-memory index reads it: identifiers, the requested traits in the requested
 * order (null-valued when absent), the requested segments it belongs to (bit i for segment i), and whether the
 * requested purpose is consented to.
 */
public record ProfileRow(String id, List<Identifier> identifiers, List<Value> traits, BitSet segments, boolean consented) {
  public ProfileRow {
    identifiers = List.copyOf(identifiers);
    traits = Collections.unmodifiableList(new ArrayList<>(traits));
    segments = (BitSet) segments.clone();
  }
}
