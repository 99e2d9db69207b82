package io.segmenta.core.port;

import static io.segmenta.core.Preconditions.checkArgument;

import java.time.Instant;
import java.util.Objects;

/** A saved segment: its name and its rule in the canonical text form. */
public record SegmentDefinition(String name, String rule, String description, Instant updatedAt) {
  public SegmentDefinition {
    checkArgument(name != null && name.matches("[a-z0-9][a-z0-9_-]{0,62}"), "segment name must be lower-case letters, digits, '_' or '-', got '%s'", name);
    Objects.requireNonNull(rule, "rule");
    description = description == null ? "" : description;
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
