package io.segmenta.core.schema;

import io.segmenta.core.UserException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of every trait, event type and event property Segmenta knows, with their types. The type checker
 * reads it to reject a rule before it runs; the importers read it to parse and validate values; the SQL compiler
 * takes its identifiers only from here. Immutable: declaring something returns a new schema.
 */
public final class Schema {
  private final Map<String, TraitDef> traits;
  private final Map<String, PropertyDef> properties;
  private final Map<String, EventTypeDef> eventTypes;

  private Schema(Map<String, TraitDef> traits, Map<String, PropertyDef> properties, Map<String, EventTypeDef> eventTypes) {
    this.traits = Collections.unmodifiableMap(new LinkedHashMap<>(traits));
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    this.eventTypes = Collections.unmodifiableMap(new LinkedHashMap<>(eventTypes));
  }

  /** The built-in schema every store starts from: see {@link StandardSchema}. */
  public static Schema standard() {
    return StandardSchema.INSTANCE;
  }

  static Schema of(List<TraitDef> traits, List<PropertyDef> properties, List<EventTypeDef> eventTypes) {
    Schema s = new Schema(Map.of(), Map.of(), Map.of());
    for (TraitDef t : traits) {
      s = s.withTrait(t);
    }
    for (PropertyDef p : properties) {
      s = s.withProperty(p);
    }
    for (EventTypeDef e : eventTypes) {
      s = s.withEventType(e);
    }
    return s;
  }

  public Optional<TraitDef> trait(String name) {
    return Optional.ofNullable(traits.get(name));
  }

  public Optional<PropertyDef> property(String name) {
    return Optional.ofNullable(properties.get(name));
  }

  public Optional<EventTypeDef> eventType(String name) {
    return Optional.ofNullable(eventTypes.get(name));
  }

  /**
   * Whether events of the type are derived: read from other events, never sent (an {@code order_line} is a line of
   * an {@code order}). The evaluators and the stores ask this, not the type's name.
   */
  public boolean derived(String eventType) {
    EventTypeDef t = eventTypes.get(eventType);
    return t != null && t.derived();
  }

  public Collection<TraitDef> traits() {
    return traits.values();
  }

  public Collection<PropertyDef> properties() {
    return properties.values();
  }

  public Collection<EventTypeDef> eventTypes() {
    return eventTypes.values();
  }

  /** Declares a trait; redeclaring one with the same type and family is a no-op, with another type an error. */
  public Schema withTrait(TraitDef def) {
    checkFree(def.name(), "trait");
    TraitDef old = traits.get(def.name());
    if (old != null) {
      if (old.type() != def.type()) {
        throw new UserException("trait '" + def.name() + "' is already declared as " + old.type() + ", cannot redeclare it as " + def.type());
      }
      return this;
    }
    Map<String, TraitDef> t = new LinkedHashMap<>(traits);
    t.put(def.name(), def);
    return new Schema(t, properties, eventTypes);
  }

  public Schema withProperty(PropertyDef def) {
    checkFree(def.name(), "property");
    PropertyDef old = properties.get(def.name());
    if (old != null) {
      if (old.type() != def.type()) {
        throw new UserException("event property '" + def.name() + "' is already declared as " + old.type() + ", cannot redeclare it as " + def.type());
      }
      return this;
    }
    Map<String, PropertyDef> p = new LinkedHashMap<>(properties);
    p.put(def.name(), def);
    return new Schema(traits, p, eventTypes);
  }

  /** Declares an event type, or adds properties to an existing one. Every property must be declared first. */
  public Schema withEventType(EventTypeDef def) {
    checkFree(def.name(), "event type");
    for (String p : def.properties()) {
      if (!properties.containsKey(p)) {
        throw new UserException("event type '" + def.name() + "' names property '" + p + "', which is not declared");
      }
    }
    EventTypeDef old = eventTypes.get(def.name());
    EventTypeDef merged = def;
    if (old != null) {
      List<String> props = new ArrayList<>(old.properties());
      for (String p : def.properties()) {
        if (!props.contains(p)) {
          props.add(p);
        }
      }
      merged = new EventTypeDef(old.name(), props, old.derived(), old.description());
    }
    Map<String, EventTypeDef> e = new LinkedHashMap<>(eventTypes);
    e.put(def.name(), merged);
    return new Schema(traits, properties, e);
  }

  private static void checkFree(String name, String what) {
    if (Names.RESERVED.contains(name)) {
      throw new UserException("'" + name + "' is a reserved word and cannot name a " + what);
    }
  }
}
