package io.segmenta.duckdb;

import io.segmenta.core.port.Store;
import io.segmenta.testkit.contract.ExampleSegmentsContract;
import java.nio.file.Path;
import java.util.Map;

/** The example segments find their planted customers ({@link ExampleSegmentsContract}), on DuckDB. */
class ExampleSegmentsTest extends ExampleSegmentsContract {
  @Override
  protected Store open(Path dir) {
    return DuckDb.open(StoreConfig.resolve(dir, "1GB", 2, Map.of()));
  }
}
