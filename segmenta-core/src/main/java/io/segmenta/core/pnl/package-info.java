/**
 * Segment P&amp;L: value with returns and margins, index, ranking, flags with their evidence, overlaps, and the
 * sample size a difference needs.
 */
package io.segmenta.core.pnl;
