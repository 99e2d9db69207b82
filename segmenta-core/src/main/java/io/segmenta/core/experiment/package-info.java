/**
 * Experiments: the definition ({@code Experiment}, {@code Allocation}, {@code Targeting}, {@code Metric}s, window,
 * exposure filter), GrowthBook's hashing and assignment ({@code Assignment}), exposures, and the analysis per
 * segment and variant ({@code Analysis}, {@code Summary}). JSON forms (ours and GrowthBook's experiment JSON) live
 * in {@code core.experiment.json}.
 */
package io.segmenta.core.experiment;
