package io.segmenta.core.realtime;

import java.time.Instant;

/**
 * A profile entered or left a real-time segment: when (the event's time, or the instant a window passed), and what
 * caused it (an event id, {@code time}, or {@code rule} when the segment's rule changed).
 */
public record MembershipChange(String profileId, String segment, boolean entered, Instant at, String cause) {}
