package io.segmenta.core.history;

import java.time.Instant;

/** Profiles that entered and left a segment in {@code [from, until)}. */
public record Flow(Instant from, Instant until, long inflow, long outflow) {}
