package io.segmenta.core.schema;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.Objects;

/** A declared event property. A property name has one type across every event type that carries it. */
public record PropertyDef(String name, ValueType type, String description) {
  public PropertyDef {
    checkArgument(Names.isValid(name), "property name must be lower_snake_case, got '%s'", name);
    Objects.requireNonNull(type, "type");
    checkArgument(type != ValueType.STRING_LIST, "event property '%s' cannot be a list", name);
    description = description == null ? "" : description;
  }
}
