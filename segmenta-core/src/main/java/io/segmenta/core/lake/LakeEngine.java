package io.segmenta.core.lake;

import java.nio.file.Path;

/**
 * An engine that runs Segmenta's batch features over a lake in the layout of docs/lake.md. An implementation is
 * listed in its module's {@code META-INF/services/io.segmenta.core.lake.LakeEngine} and has a public no-argument
 * constructor; {@link LakeEngines#find} finds it by {@link #name()}.
 */
public interface LakeEngine {

  /** What {@code --engine} calls it, e.g. {@code spark}. */
  String name();

  /**
   * Opens the lake in {@code dir} on {@code master} (for Spark: {@code local[2]}, {@code spark://host:7077}); a
   * directory that is not a lake is the user's mistake ({@code UserException}).
   */
  Lake open(String master, Path dir);
}
