package io.segmenta.cli;

import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.port.Scores;
import io.segmenta.core.value.Value;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a lake's results into the embedded store as well ({@code --into-store}): ports that write to both, the lake
 * first, and read from the lake. Why through the store's ports: the real-time and decision paths then serve the
 * cluster's scores and segments as they serve the store's own, and the store keeps its own rules (a score's
 * provenance, a segment saved as checked).
 */
final class IntoStore {
  private IntoStore() {}

  static Scores scores(Scores lake, Scores store) {
    return new Scores() {
      @Override
      public void writeScores(ScoreProvenance provenance, List<String> traits, Map<String, List<Value>> scores) {
        lake.writeScores(provenance, traits, scores);
        store.writeScores(provenance, traits, scores);
      }

      @Override
      public Optional<ScoreProvenance> provenance(String trait) {
        return lake.provenance(trait);
      }
    };
  }

  static <T> Definitions<T> definitions(Definitions<T> lake, Definitions<T> store) {
    return new Definitions<>() {
      @Override
      public T save(T definition) {
        store.save(definition);
        return lake.save(definition);
      }

      @Override
      public Optional<T> find(String key) {
        return lake.find(key);
      }

      @Override
      public List<T> all() {
        return lake.all();
      }

      @Override
      public boolean delete(String key) {
        store.delete(key);
        return lake.delete(key);
      }
    };
  }
}
