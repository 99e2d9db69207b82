package io.segmenta.core.port;

import io.segmenta.core.Preconditions;
import java.util.BitSet;
import java.util.List;

/**
 * Profiles as columns of numbers, for models that read every customer at once: row {@code i} is profile
 * {@code ids[i]}; {@code columns.get(j)[i]} its value of the j-th requested trait (NaN when missing); bit {@code i}
 * of {@code flags.get(k)} whether it meets the k-th requested rule. Arrays rather than a record per profile, because
 * a million of those cost more to build than the query that fills them.
 */
public record NumberColumns(String[] ids, List<double[]> columns, List<BitSet> flags) {
  public NumberColumns {
    columns = List.copyOf(columns);
    flags = List.copyOf(flags);
    for (double[] c : columns) {
      Preconditions.checkArgument(c.length == ids.length, "a column has %s values for %s profiles", c.length, ids.length);
    }
  }

  public int rows() {
    return ids.length;
  }
}
