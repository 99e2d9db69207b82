package io.segmenta.web;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.store.Store;
import io.segmenta.core.summary.TraitSummaries;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The most frequent values of each stored text trait, for the builder's completion: one pass over the profiles
 * ({@link TraitSummaries}), never of contact traits (personal data), kept until the store's profile count or newest event changes, so typing never waits on it.
 */
final class KnownValues {
  static final int TOP = 12;

  private record Key(Store store, long profiles, Instant lastEvent) {}

  private static final Map<Key, ObjectNode> CACHE = new ConcurrentHashMap<>();

  private KnownValues() {}

  static ObjectNode of(Store store, Instant asOf) {
    var stats = store.profiles().stats();
    Key key = new Key(store, stats.profiles(), stats.lastEvent());
    ObjectNode cached = CACHE.get(key);
    if (cached != null) {
      return cached;
    }
    CACHE.keySet().removeIf(k -> k.store() == store);
    List<String> traits = store.catalog().schema().traits().stream()
        .filter(t -> t.stored() && t.type() == ValueType.STRING && t.family() != Family.CONTEXT && t.family() != Family.CONTACT)
        .map(TraitDef::name).toList();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    if (!traits.isEmpty() && stats.profiles() > 0) {
      TraitSummaries.Report r = TraitSummaries.summarise(store.catalog(), store.audiences(), asOf, null, null, false, traits, TOP);
      for (TraitSummaries.Trait t : r.traits()) {
        var a = o.putArray(t.name());
        t.segment().top().stream().map(TraitSummaries.Count::value).filter(Objects::nonNull).forEach(a::add);
      }
    }
    CACHE.put(key, o);
    return o;
  }
}
