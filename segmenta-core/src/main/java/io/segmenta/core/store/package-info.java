/**
 * {@code Store}, the composition root an engine provides: one accessor per role port, and {@code close()}. It sits
 * above the feature packages because its accessors name the ports features own (the membership log, experiment
 * reads); features themselves take only the roles they read.
 */
package io.segmenta.core.store;
