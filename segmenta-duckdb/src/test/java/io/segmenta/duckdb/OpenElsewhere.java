package io.segmenta.duckdb;

import io.segmenta.core.store.Store;
import java.nio.file.Path;
import java.util.Map;

/** Opens a store and holds it until killed: the "other process" of the lock test. */
public final class OpenElsewhere {
  private OpenElsewhere() {}

  public static void main(String[] args) throws InterruptedException {
    try (Store s = DuckDb.open(StoreConfig.resolve(Path.of(args[0]), "256MB", 1, Map.of()))) {
      System.out.println("open");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }
}
