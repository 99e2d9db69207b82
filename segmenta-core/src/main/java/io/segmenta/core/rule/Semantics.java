package io.segmenta.core.rule;

/**
 * How a rule treats values of another type than expected, and missing values.
 *
 * <p>{@link #STRICT} is what segments use and what the SQL compiler produces: a condition on a missing value is
 * false (only {@code missing}, {@code is null} and {@code not ...} are true there), values compare only with
 * values of their own type, and {@code not} is plain negation, so the result is always a yes or a no.
 *
 * <p>{@link #GROWTHBOOK} reproduces GrowthBook's SDKs, which evaluate targeting conditions with JavaScript's
 * coercions ({@code null < 5} is true there, {@code "5" == 5} after {@code * 1}); it exists so that conditions
 * written for GrowthBook give the same answer here, as the conformance cases check.
 */
public enum Semantics {
  STRICT,
  GROWTHBOOK
}
