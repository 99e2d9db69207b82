/**
 * Customer lifetime value: BG/NBD and Gamma-Gamma fitted by maximum likelihood, a diagnostic instead of numbers
 * when data is thin, and scoring into the store.
 */
package io.segmenta.ml.clv;
