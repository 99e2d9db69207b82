package io.segmenta.core.port;

import java.util.List;

/** For the members of a rule: how many there are, and the sum over them of each measure asked for. */
public record Totals(long members, List<Double> sums) {
  public Totals {
    sums = List.copyOf(sums);
  }
}
