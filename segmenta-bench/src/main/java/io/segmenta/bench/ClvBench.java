package io.segmenta.bench;

import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.ml.clv.BgNbd;
import io.segmenta.ml.clv.ClvScoring;
import io.segmenta.ml.clv.ModelFit;
import io.segmenta.ml.clv.PurchaseSummary;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * BG/NBD on every customer of the 1M-customer shop: purchase summaries from the store, then the maximum-likelihood
 * fit, timed; the same summaries are written to CSV and fitted by scipy (bgnbd_scipy.py) in the same run.
 *
 * <pre>java -Xmx12g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.ClvBench --data-dir /tmp/bench-1m</pre>
 */
public final class ClvBench {
  private ClvBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "target/bench-1000000"));
    StoreConfig config = StoreConfig.resolve(dir, "8GB", Runtime.getRuntime().availableProcessors(), Map.of());
    List<PurchaseSummary> summaries;
    long t0 = System.nanoTime();
    try (Store store = DuckDb.open(config)) {
      summaries = ClvScoring.summaries(store.activity(), SegmentBench.AS_OF, ClvScoring.Options.standard());
    }
    double summaryMs = (System.nanoTime() - t0) / 1e6;
    double[] fits = new double[3];
    ModelFit<BgNbd> fit = null;
    for (int i = 0; i < fits.length; i++) {
      t0 = System.nanoTime();
      fit = BgNbd.fit(summaries);
      fits[i] = (System.nanoTime() - t0) / 1e6;
    }
    System.out.printf("segmenta: %,d customers (%,d repeat buyers), summaries %.0f ms; %s loglik=%.6f evaluations=%d fit_ms=%.0f (median of 3)%n",
        fit.customers(), fit.repeatBuyers(), summaryMs, fit.model(), fit.logLikelihood(), fit.evaluations(), SegmentBench.median(fits));
    Path csv = Files.createTempFile("bgnbd", ".csv");
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("x,tx,T\n");
      for (PurchaseSummary s : summaries) {
        w.write(s.x() + "," + s.tx() + "," + s.T() + "\n");
      }
    }
    Path script = Path.of(SegmentBench.arg(args, "--script", "segmenta-bench/src/main/python/bgnbd_scipy.py"));
    Process p = new ProcessBuilder("python3", script.toString(), csv.toString()).inheritIO().start();
    p.waitFor();
    Files.deleteIfExists(csv);
  }
}
