package io.segmenta.core.port;

import java.time.Instant;

/** How often a source sent a field that did not fit the schema, with the latest example and when it was seen. */
public record ViolationCount(String source, String eventType, String field, String expected, long count, String example,
    Instant firstSeen, Instant lastSeen) {}
