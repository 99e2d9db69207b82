package io.segmenta.core.port;

import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The store's schema: the traits and event properties it holds, and declaring new ones. */
public interface Catalog {

  /** The schema this store was created with plus everything declared since. */
  Schema schema();

  /** Declares a custom trait (adding its column); declaring it again with the same type is a no-op. */
  Schema declareTrait(TraitDef trait);

  /** Declares a custom event property and the event types that carry it. */
  Schema declareProperty(PropertyDef property, List<String> eventTypes);

  /**
   * Declares many traits and properties in one call (each property on the event types {@code eventTypes} lists under
   * its name): every name is checked before any is declared, and names already declared with the same type are
   * no-ops. A store may declare them in steps so that other writers are not held up by a large declaration; each
   * name is declared whole or not at all, and the call returns once all are.
   */
  default Schema declare(List<TraitDef> traits, Collection<PropertyDef> properties, Map<String, ? extends Collection<String>> eventTypes) {
    Schema s = schema();
    for (TraitDef t : traits) {
      s = declareTrait(t);
    }
    for (PropertyDef p : properties) {
      Collection<String> types = eventTypes.get(p.name());
      s = declareProperty(p, types == null ? List.of() : List.copyOf(types));
    }
    return s;
  }
}
