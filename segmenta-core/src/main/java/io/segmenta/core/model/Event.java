package io.segmenta.core.model;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.value.Value;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something a person did, at an instant. {@code id} makes delivery idempotent: storing an event whose id is
 * already stored changes nothing. An event belongs to a profile, or (before they are known) to an anonymous id.
 * Orders carry their lines; the schema declares which typed properties each event type has. {@code extras} keeps
 * what a client sent that has no typed place (a value that clashes with its property's declared type, an array,
 * an object nested too deep), keyed by the field as the client named it, so that nothing accepted is lost.
 */
public record Event(String id, String profileId, String anonymousId, String type, Instant timestamp,
    Map<String, Value> properties, List<OrderLine> lines, Map<String, Value> extras) {
  public Event {
    checkArgument(id != null && !id.isBlank(), "event id must not be blank, got '%s'", id);
    checkArgument(profileId != null || anonymousId != null, "event %s needs a profile id or an anonymous id", id);
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timestamp, "timestamp");
    timestamp = timestamp.truncatedTo(ChronoUnit.MICROS);
    properties = present(properties);
    lines = List.copyOf(lines);
    extras = extras == null ? Map.of() : present(extras);
  }

  /** An event without extras: everything it carries is typed. */
  public Event(String id, String profileId, String anonymousId, String type, Instant timestamp,
      Map<String, Value> properties, List<OrderLine> lines) {
    this(id, profileId, anonymousId, type, timestamp, properties, lines, Map.of());
  }

  private static Map<String, Value> present(Map<String, Value> values) {
    Map<String, Value> p = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (v != null && !v.isNull()) {
        p.put(k, v);
      }
    });
    return Collections.unmodifiableMap(p);
  }

  public Value property(String name) {
    return properties.getOrDefault(name, Value.NULL);
  }
}
