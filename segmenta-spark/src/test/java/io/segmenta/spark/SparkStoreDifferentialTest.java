package io.segmenta.spark;

import io.segmenta.core.rule.Rule;
import io.segmenta.core.store.Store;
import io.segmenta.testkit.contract.DifferentialContract;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The differential contract ({@link DifferentialContract}) with Spark answering: random rules over the random shop,
 * written to the embedded store and exported to a lake, select on Spark member for member what the in-memory
 * evaluator selects (DuckDB is held to the same evaluator by the same contract, so the two engines agree).
 */
class SparkStoreDifferentialTest extends DifferentialContract {
  @Override
  protected Store open(Path dir) {
    return LakeMirrorStore.open(dir);
  }

  /**
   * The first 120 of the random rules (-Dsegmenta.spark.differential.rules=N for more; the contract's
   * 600 passed on this machine, 2026-12-05): on local[2] each job of twenty rules costs
   * seconds of planning and scheduling, and the module's tests share the CI budget.
   */
  @Override
  protected int rules() {
    return Integer.getInteger("segmenta.spark.differential.rules", 120);
  }

  /** Many rules per Spark job; each rule's members are still Spark's own answer to it. */
  @Override
  protected List<List<String>> membersOfEach(Store store, List<Rule> rules, List<Instant> asOfs) {
    return ((LakeMirrorStore) store).membersOfEach(rules, asOfs);
  }
}
