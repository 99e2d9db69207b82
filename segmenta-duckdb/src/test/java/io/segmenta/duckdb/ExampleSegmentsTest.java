package io.segmenta.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.testkit.ExampleSegments;
import io.segmenta.testkit.ShopGenerator;
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
