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
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most frequent values of each stored text trait, for the builder's completion: one pass over the profiles
 * ({@link TraitSummaries}), never of contact traits (personal data). The pass takes seconds on a large shop, so a page
 * never waits for it: the last values found are answered at once and, when the store's profile count or newest event
 * changed since, counted again in the background (one pass at a time per store); before the first pass has finished
 * the builder completes names without values. The app starts the first pass when it starts.
 */
final class KnownValues {
  static final int TOP = 12;

  private record Key(long profiles, Instant lastEvent) {}

  private record Known(Key key, ObjectNode values) {}

  private static final Logger LOG = LoggerFactory.getLogger(KnownValues.class);
  private static final Map<Store, Known> LAST = Collections.synchronizedMap(new WeakHashMap<>());
  private static final Set<Store> COUNTING = ConcurrentHashMap.newKeySet();

  private KnownValues() {}

  /** The values as last counted (empty before the first count), starting a new count when the store changed since. */
  static ObjectNode of(Store store, Instant asOf) {
    var stats = store.profiles().stats();
    Key key = new Key(stats.profiles(), stats.lastEvent());
    Known last = LAST.get(store);
    if ((last == null || !last.key().equals(key)) && COUNTING.add(store)) {
      Thread t = new Thread(() -> {
        try {
          LAST.put(store, new Known(key, count(store, asOf, stats.profiles())));
        } catch (RuntimeException e) {
          LOG.warn("counting the known values of text traits failed: {}", e.toString());
        } finally {
          COUNTING.remove(store);
        }
      }, "segmenta-known-values");
      t.setDaemon(true);
      t.start();
    }
    return last == null ? JsonNodeFactory.instance.objectNode() : last.values();
  }

  /** Counts now, on this thread (for the warm-up at start and for tests). */
  static ObjectNode count(Store store, Instant asOf) {
    ObjectNode o = count(store, asOf, store.profiles().stats().profiles());
    var stats = store.profiles().stats();
    LAST.put(store, new Known(new Key(stats.profiles(), stats.lastEvent()), o));
    return o;
  }

  private static ObjectNode count(Store store, Instant asOf, long profiles) {
    List<String> traits = store.catalog().schema().traits().stream()
        .filter(t -> t.stored() && t.type() == ValueType.STRING && t.family() != Family.CONTEXT && t.family() != Family.CONTACT)
        .map(TraitDef::name).toList();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    if (!traits.isEmpty() && profiles > 0) {
      TraitSummaries.Report r = TraitSummaries.summarise(store.catalog(), store.audiences(), asOf, null, null, false, traits, TOP);
      for (TraitSummaries.Trait t : r.traits()) {
        var a = o.putArray(t.name());
        t.segment().top().stream().map(TraitSummaries.Count::value).filter(Objects::nonNull).forEach(a::add);
      }
    }
    return o;
  }
}
