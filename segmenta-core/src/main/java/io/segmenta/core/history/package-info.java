/**
 * Membership history (issue 18): every saved segment's membership over time as enter and exit intervals
 * ({@link io.segmenta.core.history.Stay}), kept by the real-time feed's changes and by a scheduled recompute of batch
 * segments ({@link io.segmenta.core.history.History}); the role port an engine implements
 * ({@link io.segmenta.core.history.SegmentHistory}) answers who was in a segment at an instant, sizes over time, inflow
 * and outflow, where leavers went, a person's stays with their causes, and past sizes computed from the events.
 */
package io.segmenta.core.history;
