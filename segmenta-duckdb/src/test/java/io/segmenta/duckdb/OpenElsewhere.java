package io.segmenta.duckdb;

import io.segmenta.core.store.Store;
import java.nio.file.Path;
import java.util.Map;

/** Opens a store (read-only when the second argument is "ro") and holds it until killed: the "other process" of the lock tests. */
public final class OpenElsewhere {
  private OpenElsewhere() {}

  public static void main(String[] args) throws InterruptedException {
    StoreConfig config = StoreConfig.resolve(Path.of(args[0]), "256MB", 1, Map.of());
    try (Store s = args.length > 1 && args[1].equals("ro") ? DuckDb.openReadOnly(config) : DuckDb.open(config)) {
      System.out.println("open");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }
}
