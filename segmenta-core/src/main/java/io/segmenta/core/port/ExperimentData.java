package io.segmenta.core.port;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an experiment analysis needs from the store, and no more: for every (segment, variant) cell, the number of
 * units and, per metric, the sufficient statistics of the per-unit values over the window after each unit's first
 * exposure. Units whose exposures name more than one variant are left out of every cell and counted, as are
 * exposures naming a variant the experiment does not have.
 *
 * @param segments the breakdown's segment names, in the order cells refer to them
 * @param cells one per (segment, variant) with units; segment {@code null} is everyone
 * @param multipleVariantUnits units exposed to more than one variant (excluded)
 * @param heldOut per what held them out (a campaign, {@code campaign:KEY}), the people held out of the experiment
 *     while it ran, before the as-of: shown that instead of a variant, they are units of no cell
 */
public record ExperimentData(List<String> segments, List<Cell> cells, long multipleVariantUnits, Map<String, Long> heldOut) {

  public ExperimentData {
    segments = List.copyOf(segments);
    cells = List.copyOf(cells);
    heldOut = Collections.unmodifiableMap(new TreeMap<>(heldOut));
  }

  /** Data with nobody held out. */
  public ExperimentData(List<String> segments, List<Cell> cells, long multipleVariantUnits) {
    this(segments, cells, multipleVariantUnits, Map.of());
  }

  /**
   * Per metric: the sum and sum of squares of the unit values (for a ratio, of the numerators), and for a ratio also
   * the denominators' sum and sum of squares and the sum of products numerator × denominator.
   */
  public record Sums(double sum, double sumSquares, double sumDenominator, double sumDenominatorSquares, double sumProducts) {}

  public record Cell(String segment, String variant, long units, List<Sums> metrics) {
    public Cell {
      metrics = List.copyOf(metrics);
    }
  }
}
