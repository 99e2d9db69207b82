package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.testkit.RandomShop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** segmenta export-store --format parquet DIR on a real data directory (the layout itself: LakeExportTest). */
class ExportStoreCliTest {
  @TempDir
  Path dir;

  @Test
  void exportStore_parquet_writesTheLakeAndCountsRows() {
    try (Store s = DuckDb.open(StoreConfig.resolve(dir.resolve("data"), "512MB", 2, Map.of()))) {
      s.profiles().write(new RandomShop(3).data(20));
    }
    CliTest.Result r = CliTest.run("export-store", "--format", "parquet", dir.resolve("lake").toString(), "--data-dir", dir.resolve("data").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s).*profiles +[0-9]+ rows.*events +[0-9,]+ rows.*"), r.out());
    assertTrue(Files.exists(dir.resolve("lake/lake.properties")) && Files.exists(dir.resolve("lake/events/part-00000.parquet")));
  }

  @Test
  void exportStore_otherFormat_namesTheOption() {
    CliTest.Result r = CliTest.run("export-store", "--format", "csv", dir.resolve("lake").toString(), "--data-dir", dir.resolve("data").toString());
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("--format") && r.err().contains("csv"), r.err());
    assertFalse(Files.exists(dir.resolve("lake")));
  }
}
