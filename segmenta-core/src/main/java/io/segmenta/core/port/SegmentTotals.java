package io.segmenta.core.port;

import java.util.List;
import java.util.Map;

/**
 * {@link Totals} for several segments computed in one pass, with the number of members each pair shares
 * ({@code both[i][j]}, segments in the order given; the diagonal is each segment's size).
 */
public record SegmentTotals(Map<String, Totals> totals, List<String> names, long[][] both) {
  public SegmentTotals {
    totals = Map.copyOf(totals);
    names = List.copyOf(names);
  }
}
