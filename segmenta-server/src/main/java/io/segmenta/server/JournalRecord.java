package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenta.core.ingest.segment.SegmentSpec;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Violation;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the journal keeps of an acknowledged tracking request: the result of its translation, checked and canonical.
 * The declarations it needed (traits; properties with the event types that carry them) come first, so a replay
 * can make them again where they are missing; then the profiles, events (with their extras) and consent choices to
 * write, and the violations of the schema that lenient tracking let through. Replaying one translates nothing: what
 * was acknowledged is written as it was.
 */
record JournalRecord(String source, Instant receivedAt, List<TraitDef> traits, List<PropertyDef> properties,
    Map<String, List<String>> propertyTypes, List<Profile> profiles, List<Event> events, Map<String, List<ConsentRecord>> consents,
    List<Violation> violations) {
  /** The source of records that name none: those of the first format, and those of a server without sources. */
  static final String DEFAULT_SOURCE = "default";

  JournalRecord {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(receivedAt, "receivedAt");
    traits = List.copyOf(traits);
    properties = List.copyOf(properties);
    Map<String, List<String>> types = new LinkedHashMap<>();
    propertyTypes.forEach((k, v) -> types.put(k, List.copyOf(v)));
    propertyTypes = Collections.unmodifiableMap(types);
    profiles = List.copyOf(profiles);
    events = List.copyOf(events);
    Map<String, List<ConsentRecord>> c = new LinkedHashMap<>();
    consents.forEach((k, v) -> c.put(k, List.copyOf(v)));
    consents = Collections.unmodifiableMap(c);
    violations = List.copyOf(violations);
  }

  /**
   * The record of a translation that succeeded, of a request a source sent at an instant; properties in name order,
   * so equal requests give equal bytes.
   */
  static JournalRecord of(SegmentSpec.Translation t, String source, Instant receivedAt) {
    List<PropertyDef> props = new ArrayList<>(t.newProperties().values());
    props.sort(Comparator.comparing(PropertyDef::name));
    Map<String, List<String>> types = new TreeMap<>();
    t.newPropertyTypes().forEach((name, set) -> types.put(name, set.stream().sorted().toList()));
    // An example is cut to a length, which can split a surrogate pair: it is only an example, so the half goes.
    List<Violation> violations = t.violations().stream()
        .map(v -> new Violation(v.index(), v.eventType(), v.field(), v.expected(), wellFormed(v.example()))).toList();
    return new JournalRecord(source, receivedAt, t.newTraits(), props, types, t.profiles(), t.events(), t.consents(), violations);
  }

  /** The text with every lone surrogate replaced by U+FFFD, as a UTF-8 encoder would replace it. */
  static String wellFormed(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
      if (Character.isSurrogate(c) && !pair) {
        if (out == null) {
          out = new StringBuilder(s.substring(0, i));
        }
        out.append('\uFFFD');
        continue;
      }
      if (out != null) {
        out.append(c);
        if (pair) {
          out.append(s.charAt(++i));
        }
      } else if (pair) {
        i++;
      }
    }
    return out == null ? s : out.toString();
  }

  Batch batch() {
    return new Batch(profiles, events);
  }

  /**
   * A record of the journal's first format, the raw request ({"type", "batch", "at", "body"}), left by an older
   * version: translated again, the only way to read it. One that no longer translates is parked.
   */
  static JournalRecord legacy(byte[] record, Schema schema) throws IOException {
    JsonNode n = Http.JSON.readTree(record);
    String type = n.get("type").isNull() ? null : n.get("type").asText();
    boolean batch = n.get("batch").asBoolean();
    Instant at = Instant.parse(n.get("at").asText());
    // Lenient: the record was accepted, and what passed strict checks translates the same.
    SegmentSpec.Translation t = SegmentSpec.translate(TrackingRoutes.messages(n.get("body"), batch), type, batch, schema, at,
        SegmentSpec.Policy.LENIENT);
    if (!t.ok()) {
      throw new IOException("a journaled request of the older format no longer translates: " + t.problems().size() + " problems");
    }
    return JournalRecord.of(t, DEFAULT_SOURCE, at);
  }
}
