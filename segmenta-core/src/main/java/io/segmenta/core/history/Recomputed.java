package io.segmenta.core.history;

import java.time.Instant;

/** One recompute of a batch segment: its members at {@code at}, and how many entered and left since the last one. */
public record Recomputed(String segment, Instant at, long members, long entered, long left) {}
