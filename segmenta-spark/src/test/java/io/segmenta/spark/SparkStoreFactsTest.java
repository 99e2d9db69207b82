package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.rule.Rule;
import io.segmenta.core.store.Store;
import io.segmenta.testkit.contract.FactsContract;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The kept aggregates' contract ({@link FactsContract}) with Spark answering: after batches, anonymous events linked
 * later, merges and erasures written to the embedded store and exported, every computed trait Spark computes over
 * the lake is the value the reference evaluator computes from the profile's events.
 */
class SparkStoreFactsTest extends FactsContract {
  @Override
  protected Store open(Path dir) {
    return LakeMirrorStore.open(dir);
  }

  /**
   * Overridden: the lake holds no kept aggregates (they are the embedded store's, not part of the layout), so Spark
   * computes every aggregate from the events whatever the instant, and this holds its query to that instead.
   */
  @Override
  protected void assertReadsKeptValues(Store store, Rule rule, Instant asOf, boolean kept) {
    String sql = store.audiences().explain(rule, asOf);
    assertFalse(sql.contains("profile_facts"), sql);
    assertTrue(sql.contains("FROM events"), sql);
  }
}
