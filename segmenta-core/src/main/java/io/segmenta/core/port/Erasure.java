package io.segmenta.core.port;

/** What an erasure removed: the profile, and how many events, order lines and identifiers went with it. */
public record Erasure(String profileId, long events, long orderLines, long identifiers) {}
