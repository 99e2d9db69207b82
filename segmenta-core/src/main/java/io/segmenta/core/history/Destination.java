package io.segmenta.core.history;

/**
 * Where a segment's leavers went: how many of them were in {@code segment} right after leaving (null segment: in no
 * other segment with a history).
 */
public record Destination(String segment, long leavers) {}
