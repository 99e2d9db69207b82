/**
 * Descriptive reports over a store: trait summaries (coverage, distinct and top values, quantiles, histograms; a
 * segment beside everyone), {@code Breakdown} (size, share, outcome rate with a Wilson interval, index, chi-
 * square), valid segment names from data values, and their JSON text.
 */
package io.segmenta.core.summary;
