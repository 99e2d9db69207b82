/**
 * Conversions: a goal's rate per segment per period (members at the period's start) and the share of converters
 * against the share of customers.
 */
package io.segmenta.core.conversion;
