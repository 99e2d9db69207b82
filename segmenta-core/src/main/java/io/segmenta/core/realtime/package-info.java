/**
 * Real-time segments: each event re-decides its profile with the evaluator; timers at each profile's
 * {@code Horizon}, the instant when time alone can change a rule; membership changes.
 */
package io.segmenta.core.realtime;
