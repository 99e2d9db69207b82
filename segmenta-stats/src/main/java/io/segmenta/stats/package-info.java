/**
 * Pure statistics with no Segmenta types: one small class per test or interval, each citing its source (Welch,
 * sequential, Bayes, pooled z, sample ratio mismatch, Holm and Benjamini-Hochberg, power, CUPED, chi-square, the
 * delta method). Degenerate data gives a diagnostic, not an exception. Depends on commons-math3 and the JDK only;
 * everything else may depend on it.
 */
package io.segmenta.stats;
