package io.segmenta.testkit.contract;

import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.value.Value;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * What every engine adapter's store must do, as tests an adapter runs by extending them and saying how to open a
 * store. The tests reach the store only through the helpers below, so a change of the store's ports changes them
 * in one place.
 */
public abstract class StoreContract {

  /** A new, empty store (or the one already in {@code dir}, when a test reopens it). */
  protected abstract Store open(Path dir);

  protected static void write(Store store, Batch batch) {
    store.profiles().write(batch);
  }

  protected static List<String> profileIds(Store store) {
    return store.profiles().profileIds();
  }

  protected static Optional<ProfileHistory> history(Store store, String id) {
    return store.profiles().history(id);
  }

  protected static List<String> members(Store store, Rule rule, Instant asOf, long offset, int limit) {
    return store.audiences().run(new AudienceQuery.Page(rule, asOf, offset, limit));
  }

  /**
   * The members of each rule at its own instant, in profile id order, as {@link #members} lists them. An engine whose
   * every query has a fixed cost (planning and scheduling a distributed job) overrides this to ask many rules at once;
   * the answers must still come from the engine's own execution of each rule.
   */
  protected List<List<String>> membersOfEach(Store store, List<Rule> rules, List<Instant> asOfs) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      out.add(members(store, rules.get(i), asOfs.get(i), 0, Integer.MAX_VALUE));
    }
    return out;
  }

  protected static void values(Store store, Rule rule, Instant asOf, List<Measure> measures, BiConsumer<String, List<Value>> out) {
    store.audiences().run(new AudienceQuery.Values(rule, asOf, measures, out));
  }

  /** The SQL the store runs for a rule, as the store explains it. */
  protected static String explain(Store store, Rule rule, Instant asOf) {
    return store.audiences().explain(rule, asOf);
  }

  protected static void merge(Store store, String into, String from, String reason, Instant at) {
    store.identities().merge(into, from, reason, at);
  }

  protected static void erase(Store store, String id) {
    store.profiles().erase(id);
  }
}
