package io.segmenta.duckdb;

import io.segmenta.core.store.Store;
import io.segmenta.testkit.contract.ConsentContract;
import java.nio.file.Path;
import java.util.Map;

/** The consent ledger's contract ({@link ConsentContract}) on DuckDB's {@code ConsentTable}. */
class ConsentTest extends ConsentContract {
  @Override
  protected Store open(Path dir) {
    return DuckDb.open(StoreConfig.resolve(dir, "512MB", 2, Map.of()));
  }
}
