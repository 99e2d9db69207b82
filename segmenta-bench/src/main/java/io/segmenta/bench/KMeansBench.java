package io.segmenta.bench;

import io.segmenta.ml.cluster.Clustering;
import io.segmenta.ml.cluster.KMeans;
import java.io.DataOutputStream;
import java.io.BufferedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * k-means with k = 8 on 1,000,000 points of 6 features (eight seeded Gaussian groups, as standardised customer
 * features look), through Segmenta's {@link KMeans} (greedy k-means++ seeds, Lloyd until the centroids move less than scikit-learn's tolerance 1e-4, one start), against
 * scipy's {@code kmeans2} (k-means++ seeds) on the same matrix for the same number of iterations, in one run.
 *
 * <pre>java -Xmx8g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.KMeansBench --runs 3</pre>
 */
public final class KMeansBench {
  private KMeansBench() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(SegmentBench.arg(args, "--points", "1000000"));
    int runs = Integer.parseInt(SegmentBench.arg(args, "--runs", "3"));
    int d = 6;
    int k = 8;
    SplittableRandom r = new SplittableRandom(2026);
    double[][] centers = new double[k][d];
    for (double[] c : centers) {
      for (int j = 0; j < d; j++) {
        c[j] = r.nextGaussian() * 3;
      }
    }
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      double[] c = centers[r.nextInt(k)];
      for (int j = 0; j < d; j++) {
        x[i][j] = c[j] + r.nextGaussian();
      }
    }
    Path file = Files.createTempFile("kmeans", ".f8");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
      for (double[] p : x) {
        for (double v : p) {
          out.writeDouble(v);
        }
      }
    }
    KMeans.fit(Arrays.copyOf(x, 50_000), k, 1, 1, 300);
    Path script = Path.of("segmenta-bench/src/main/python/kmeans_scipy.py");
    for (int run = 1; run <= runs; run++) {
      long t0 = System.nanoTime();
      Clustering c = KMeans.fit(x, k, run, 1, 300, 1e-4);
      double ours = (System.nanoTime() - t0) / 1e9;
      Process p = new ProcessBuilder("python3", script.toString(), file.toString(), Integer.toString(n), Integer.toString(d), Integer.toString(k),
          Integer.toString(c.iterations()), Integer.toString(run)).redirectErrorStream(true).start();
      String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      String[] out = printed.split("\\s+");
      if (p.exitValue() != 0 || out.length != 2) {
        throw new IllegalStateException("scipy failed:\n" + printed);
      }
      double theirs = Double.parseDouble(out[0]);
      System.out.printf("run %d: segmenta %.2f s (%d iterations, inertia %,.0f); scipy kmeans2 %.2f s (inertia %,.0f); ratio %.2f%n",
          run, ours, c.iterations(), c.inertia(), theirs, Double.parseDouble(out[1]), ours / theirs);
    }
    Files.delete(file);
  }
}
