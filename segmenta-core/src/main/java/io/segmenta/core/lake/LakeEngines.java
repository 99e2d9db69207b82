package io.segmenta.core.lake;

import java.util.Optional;
import java.util.ServiceLoader;

/** Finds a {@link LakeEngine} on the class path by name: the only place an engine is looked up. */
public final class LakeEngines {
  private LakeEngines() {}

  /** The engine called {@code name}, if its module (and its library) is on the class path. */
  public static Optional<LakeEngine> find(String name) {
    for (LakeEngine e : ServiceLoader.load(LakeEngine.class)) {
      if (e.name().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
