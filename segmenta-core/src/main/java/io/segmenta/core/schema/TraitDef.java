package io.segmenta.core.schema;

import static io.segmenta.core.Preconditions.checkArgument;

import java.util.Objects;

/** A declared profile trait: its name (as used in rules and as a column), its type and its family. */
public record TraitDef(String name, ValueType type, Family family, String description) {
  public TraitDef {
    checkArgument(Names.isValid(name), "trait name must be lower_snake_case, got '%s'", name);
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(family, "family");
    description = description == null ? "" : description;
  }

  /** Whether the trait has a stored value (computed traits are derived when read). */
  public boolean stored() {
    return family != Family.COMPUTED && family != Family.CONTEXT;
  }

  /** Whether a value may come from outside (an import, the API); computed and scored traits may not. */
  public boolean writable() {
    return family != Family.COMPUTED && family != Family.SCORE && family != Family.CONTEXT;
  }
}
