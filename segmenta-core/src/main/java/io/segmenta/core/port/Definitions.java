package io.segmenta.core.port;

import java.util.List;
import java.util.Optional;

/**
 * Saved definitions of one kind (segments, experiments, placements; later journeys and destinations), by key. The
 * caller has validated a definition before it saves it.
 */
public interface Definitions<T> {

  /** Saves (or replaces) the definition under its key, and returns it as stored. */
  T save(T definition);

  Optional<T> find(String key);

  /** Every definition, by key. */
  List<T> all();

  /** Deletes a definition; false when there was none under the key. */
  boolean delete(String key);
}
