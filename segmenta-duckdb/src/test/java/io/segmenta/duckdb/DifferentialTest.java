package io.segmenta.duckdb;

import io.segmenta.core.store.Store;
import io.segmenta.testkit.contract.DifferentialContract;
import java.nio.file.Path;
import java.util.Map;

/** The compiled SQL against the reference evaluator ({@link DifferentialContract}), on DuckDB. */
class DifferentialTest extends DifferentialContract {
  @Override
  protected Store open(Path dir) {
    return DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
  }
}
