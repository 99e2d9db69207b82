package io.segmenta.core.experiment;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.value.Value;
import java.util.Objects;

/**
 * One arm of an experiment: a key (what exposure events and reports call it, GrowthBook's {@code meta[i].key}), a
 * weight (its share of the covered traffic), an optional value handed to the caller (a JSON payload, as
 * GrowthBook's variations are), and GrowthBook's display {@code name} and {@code passthrough} flag (a variation that
 * is tracked but lets a feature fall through to its next rule; it does not change assignment).
 */
public record Variant(String key, double weight, Value value, String name, boolean passthrough) {
  public Variant {
    checkArgument(key != null && !key.isBlank(), "variant key must not be blank, got '%s'", key);
    checkArgument(weight >= 0 && weight <= 1, "variant weight must be within 0..1, got %s", weight);
    Objects.requireNonNull(value, "value");
  }

  public Variant(String key, double weight, Value value) {
    this(key, weight, value, null, false);
  }
}
