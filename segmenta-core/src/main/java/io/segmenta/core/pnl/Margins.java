package io.segmenta.core.pnl;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.Map;

/**
 * What a shop earns on what it sells: a gross margin rate per product category (and a default for the rest), and
 * what handling a return costs. Returned value is taken off at the segment's own blended margin rate.
 */
public record Margins(double defaultRate, Map<String, Double> byCategory, double costPerReturn) {
  public Margins {
    checkArgument(defaultRate >= 0 && defaultRate <= 1, "margin rate must be within 0..1, got %s", defaultRate);
    byCategory = Map.copyOf(byCategory);
    byCategory.forEach((k, v) -> checkArgument(v >= 0 && v <= 1, "margin rate of %s must be within 0..1, got %s", k, v));
    checkArgument(costPerReturn >= 0, "cost per return must be >= 0, got %s", costPerReturn);
  }
}
