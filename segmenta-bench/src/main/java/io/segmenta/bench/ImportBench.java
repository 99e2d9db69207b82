package io.segmenta.bench;

import io.segmenta.core.ingest.csv.CsvSource;
import io.segmenta.core.ingest.ImportReport;
import io.segmenta.core.ingest.Importer;
import io.segmenta.core.ingest.Mapping;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;

/**
 * Import of UCI Online Retail (541,909 rows) with the online-retail preset — parse, validate every cell, group
 * invoices into orders and cancellations, write atomically — against DuckDB's own CSV reader loading the same
 * file into a table (which checks types but builds no orders), in the same run, each into a fresh database.
 *
 * <pre>java -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.ImportBench ../shared/data/online-retail/online_retail.csv.gz</pre>
 */
public final class ImportBench {
  private ImportBench() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "../shared/data/online-retail/online_retail.csv.gz");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    double[] ours = new double[runs];
    double[] peer = new double[runs];
    for (int i = 0; i < runs; i++) {
      Path dir = Files.createTempDirectory("segmenta-import-bench");
      long t0 = System.nanoTime();
      ImportReport r;
      try (Store s = DuckDb.open(StoreConfig.resolve(dir, "4GB", Runtime.getRuntime().availableProcessors(), Map.of()));
          CsvSource src = new CsvSource(file, ',', '"', StandardCharsets.UTF_8, true)) {
        r = Importer.run(src, Mapping.onlineRetail(), s.catalog(), s.profiles(), Importer.Options.strict());
      }
      ours[i] = (System.nanoTime() - t0) / 1e6;
      t0 = System.nanoTime();
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("peer.duckdb")); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE retail AS SELECT * FROM read_csv('" + file + "', header = true, "
            + "columns = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'Description': 'VARCHAR', 'Quantity': 'DOUBLE', "
            + "'InvoiceDate': 'TIMESTAMP', 'UnitPrice': 'DOUBLE', 'CustomerID': 'DOUBLE', 'Country': 'VARCHAR'})");
        st.execute("CHECKPOINT");
      }
      peer[i] = (System.nanoTime() - t0) / 1e6;
      System.out.printf("run %d: segmenta %.0f ms (%,d rows, %,d events), duckdb read_csv %.0f ms%n", i + 1, ours[i], r.rows(), r.written().eventsWritten(), peer[i]);
      try (var walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    double a = SegmentBench.median(ours);
    double b = SegmentBench.median(peer);
    System.out.printf("median: segmenta %.0f ms, duckdb read_csv %.0f ms, ratio %.2f%n", a, b, a / b);
  }
}
