package io.segmenta.spark;

import io.segmenta.core.rule.Rule;
import io.segmenta.core.store.Store;
import io.segmenta.testkit.contract.ExampleSegmentsContract;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The ten example segments ({@link ExampleSegmentsContract}) on Spark: saved in the embedded store, exported with
 * the shop to a lake, they find their planted customers there, and agree with the evaluator on a sample.
 */
class SparkStoreExampleSegmentsTest extends ExampleSegmentsContract {
  @Override
  protected Store open(Path dir) {
    return LakeMirrorStore.open(dir);
  }

  /** Many rules per Spark job; each rule's members are still Spark's own answer to it. */
  @Override
  protected List<List<String>> membersOfEach(Store store, List<Rule> rules, List<Instant> asOfs) {
    return ((LakeMirrorStore) store).membersOfEach(rules, asOfs);
  }
}
