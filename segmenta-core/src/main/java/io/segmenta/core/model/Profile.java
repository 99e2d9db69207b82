package io.segmenta.core.model;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.value.Value;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A known customer: a stable id, the identifiers that point at them and their traits. Traits are typed values
 * whose names and types the {@link io.segmenta.core.schema.Schema} declares; a missing trait is simply absent.
 */
public record Profile(String id, List<Identifier> identifiers, Map<String, Value> traits) {
  public Profile {
    checkArgument(id != null && !id.isBlank(), "profile id must not be blank, got '%s'", id);
    identifiers = List.copyOf(identifiers);
    Map<String, Value> t = new LinkedHashMap<>();
    traits.forEach((k, v) -> {
      if (v != null && !v.isNull()) {
        t.put(k, v);
      }
    });
    traits = Collections.unmodifiableMap(t);
  }

  public Value trait(String name) {
    return traits.getOrDefault(name, Value.NULL);
  }
}
