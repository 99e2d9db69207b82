package io.segmenta.duckdb;

import io.segmenta.core.store.Store;
import io.segmenta.testkit.contract.WhyContract;
import java.nio.file.Path;
import java.util.Map;

/** Why-traces against the evaluator and the compiled SQL ({@link WhyContract}), on DuckDB. */
class WhyTest extends WhyContract {
  @Override
  protected Store open(Path dir) {
    return DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
  }
}
