package io.segmenta.core.experiment;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.value.Value;
import java.util.Objects;

/**
 * One arm of an experiment: a key (what exposure events and reports call it), a weight (its share of the covered
 * traffic) and an optional value handed to the caller (a JSON payload, as GrowthBook's variations are).
 */
public record Variant(String key, double weight, Value value) {
  public Variant {
    checkArgument(key != null && !key.isBlank(), "variant key must not be blank, got '%s'", key);
    checkArgument(weight >= 0 && weight <= 1, "variant weight must be within 0..1, got %s", weight);
    Objects.requireNonNull(value, "value");
  }
}
