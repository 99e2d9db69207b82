/**
 * Destinations (issue 17): a segment synced to a channel. {@link io.segmenta.core.destination.Destination} (the
 * definition), {@link io.segmenta.core.destination.Syncs} (one run: members allowed by consent, the diff against the
 * kept state, the channel's delivery with retries, the history), {@link io.segmenta.core.destination.Diff} (the diff of
 * two sorted fingerprint sets), {@link io.segmenta.core.destination.Payloads} (what each kind sends and keeps of a
 * member), and the role ports an engine implements: {@link io.segmenta.core.destination.SyncState} (what the last
 * sync sent) and {@link io.segmenta.core.destination.RunHistory} (the runs).
 */
package io.segmenta.core.destination;
