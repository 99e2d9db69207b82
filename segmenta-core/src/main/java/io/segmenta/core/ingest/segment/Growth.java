package io.segmenta.core.ingest.segment;

import io.segmenta.core.ingest.segment.SegmentSpec.Policy;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What one request adds to the schema, within the policy's limits: new names (traits, properties, event types) per
 * request, properties per event type, properties and traits in total. Beyond a limit the field that would have
 * grown the schema is a problem: a client cannot make the schema (one column per name) grow without bound.
 */
final class Growth {
  private final Schema schema;
  private final Policy policy;
  private final BiConsumer<String, String> problem;
  final Map<String, TraitDef> newTraits = new LinkedHashMap<>();
  final Map<String, PropertyDef> newProperties = new LinkedHashMap<>();
  final Map<String, Set<String>> newPropertyTypes = new LinkedHashMap<>();
  /** Properties this request adds to each event type, and names it adds in all. */
  private final Map<String, Integer> newOnType = new HashMap<>();
  private int newNames;

  Growth(Schema schema, Policy policy, BiConsumer<String, String> problem) {
    this.schema = schema;
    this.policy = policy;
    this.problem = problem;
  }

  /** A new custom trait, or null (and a problem naming the field) beyond the limits. */
  TraitDef trait(String field, String name, ValueType type) {
    if (!grow(field, null)) {
      return null;
    }
    if (schema.traits().size() + newTraits.size() >= policy.totalTraits()) {
      problem.accept(field, "the schema holds at most " + policy.totalTraits() + " traits (the source's policy); this would be a new one");
      return null;
    }
    TraitDef def = new TraitDef(name, type, Family.CUSTOM, "declared by the tracking API on first use");
    newTraits.put(name, def);
    return def;
  }

  /**
   * Makes sure the event type carries the property, declaring either when new, within the policy's limits; false
   * (and a problem naming the field) beyond them.
   */
  boolean declare(String field, String name, ValueType type, String eventType, String description) {
    if (schema.eventType(eventType).map(et -> et.has(name)).orElse(false)) {
      return true;
    }
    Set<String> types = newPropertyTypes.get(name);
    if (types != null && types.contains(eventType)) {
      return true;
    }
    boolean newType = schema.eventType(eventType).isEmpty() && !newOnType.containsKey(eventType);
    boolean newName = schema.property(name).isEmpty() && !newProperties.containsKey(name);
    if (newType && !grow(field, "the event type '" + eventType + "'")) {
      return false;
    }
    if (newName) {
      if (!grow(field, null)) {
        return false;
      }
      long total = schema.properties().size() + newProperties.keySet().stream().filter(n -> schema.property(n).isEmpty()).count();
      if (total >= policy.totalProperties()) {
        problem.accept(field, "the schema holds at most " + policy.totalProperties() + " event properties (the source's policy); "
            + "this would be a new one, '" + name + "'");
        return false;
      }
    }
    int onType = schema.eventType(eventType).map(et -> et.properties().size()).orElse(0) + newOnType.getOrDefault(eventType, 0);
    if (onType >= policy.propertiesPerEventType()) {
      problem.accept(field, "an event type has at most " + policy.propertiesPerEventType() + " properties (the source's policy); '"
          + eventType + "' has " + onType + " and '" + name + "' would be one more");
      return false;
    }
    newProperties.putIfAbsent(name, schema.property(name).orElse(new PropertyDef(name, type, description)));
    newPropertyTypes.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(eventType);
    newOnType.merge(eventType, 1, Integer::sum);
    return true;
  }

  /** Counts one more new name against the per-request limit; false (and a problem) beyond it. */
  private boolean grow(String field, String what) {
    if (newNames >= policy.newNamesPerRequest()) {
      problem.accept(field, "a request may add at most " + policy.newNamesPerRequest() + " new names (traits, properties, event types) "
          + "to the schema (the source's policy)" + (what == null ? "" : "; " + what + " would be one more") + "; send it in a later request");
      return false;
    }
    newNames++;
    return true;
  }
}
