package io.segmenta.core.schema;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.List;

/**
 * A declared event type and the properties its events carry. A derived type ({@code order_line}) is not sent
 * by anyone: it is read from the lines of orders, at the order's time and for the order's customer.
 */
public record EventTypeDef(String name, List<String> properties, boolean derived, String description) {
  public EventTypeDef {
    checkArgument(Names.isValid(name), "event type must be lower_snake_case, got '%s'", name);
    properties = List.copyOf(properties);
    description = description == null ? "" : description;
  }

  public boolean has(String property) {
    return properties.contains(property);
  }
}
