/**
 * RFM: the three measures over a universe, quantile scores (rank, pandas qcut), named groups and the built-in
 * {@code rfm-*} segments.
 */
package io.segmenta.core.rfm;
