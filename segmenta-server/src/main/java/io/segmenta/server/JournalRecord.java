package io.segmenta.server;

import io.segmenta.core.ingest.SegmentSpec;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.TraitDef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the journal keeps of an acknowledged tracking request: the result of its translation, checked and canonical.
 * The declarations it needed (traits; properties with the event types that carry them) come first, so a replay
 * can make them again where they are missing; then the profiles, events and consent choices to write. Replaying
 * one translates nothing: what was acknowledged is written as it was.
 */
record JournalRecord(List<TraitDef> traits, List<PropertyDef> properties, Map<String, List<String>> propertyTypes,
    List<Profile> profiles, List<Event> events, Map<String, List<ConsentRecord>> consents) {

  static final JournalRecord EMPTY = new JournalRecord(List.of(), List.of(), Map.of(), List.of(), List.of(), Map.of());

  JournalRecord {
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
  }

  /** The record of a translation that succeeded; properties in name order, so equal requests give equal bytes. */
  static JournalRecord of(SegmentSpec.Translation t) {
    List<PropertyDef> props = new ArrayList<>(t.newProperties().values());
    props.sort(Comparator.comparing(PropertyDef::name));
    Map<String, List<String>> types = new TreeMap<>();
    t.newPropertyTypes().forEach((name, set) -> types.put(name, set.stream().sorted().toList()));
    return new JournalRecord(t.newTraits(), props, types, t.profiles(), t.events(), t.consents());
  }

  Batch batch() {
    return new Batch(profiles, events);
  }

  boolean isEmpty() {
    return traits.isEmpty() && properties.isEmpty() && profiles.isEmpty() && events.isEmpty() && consents.isEmpty();
  }
}
