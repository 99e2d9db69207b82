package io.segmenta.bench;

import io.segmenta.ml.lookalike.Lookalike;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A lookalike over 1,000,000 candidates: fitting the seed-against-population model on 6 standardised features,
 * scoring everyone and cutting the tiers, through {@link Lookalike}; against the same Newton-Raphson in numpy on the
 * same matrix (python3), in one run. The seed is 5 % of the population, drawn to differ on three features.
 *
 * <pre>java -Xmx8g -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.LookalikeBench --runs 3</pre>
 */
public final class LookalikeBench {
  private LookalikeBench() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(SegmentBench.arg(args, "--points", "1000000"));
    int runs = Integer.parseInt(SegmentBench.arg(args, "--runs", "3"));
    int d = 6;
    SplittableRandom r = new SplittableRandom(2026);
    double[][] x = new double[n][d];
    boolean[] seed = new boolean[n];
    for (int i = 0; i < n; i++) {
      seed[i] = r.nextDouble() < 0.05;
      for (int j = 0; j < d; j++) {
        x[i][j] = r.nextGaussian() + (seed[i] && j < 3 ? 0.8 : 0);
      }
    }
    Path file = Files.createTempFile("lookalike", ".f8");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
      for (int i = 0; i < n; i++) {
        for (double v : x[i]) {
          out.writeDouble(v);
        }
        out.writeDouble(seed[i] ? 1 : 0);
      }
    }
    boolean[] eligible = new boolean[n];
    for (int i = 0; i < n; i++) {
      eligible[i] = !seed[i];
    }
    Lookalike.fit(java.util.Arrays.copyOf(x, 20_000), java.util.Arrays.copyOf(seed, 20_000), 1.0);
    for (int run = 1; run <= runs; run++) {
      long t0 = System.nanoTime();
      Lookalike.Model m = Lookalike.fit(x, seed, 1.0);
      double[] scores = Lookalike.scores(m, x);
      var tiers = Lookalike.tiers(scores, eligible, 0.01, 0.02, 0.05, 0.10);
      double ours = (System.nanoTime() - t0) / 1e9;
      Process p = new ProcessBuilder("python3", "segmenta-bench/src/main/python/lookalike_numpy.py", file.toString(), Integer.toString(n),
          Integer.toString(d)).redirectErrorStream(true).start();
      String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      String[] out = printed.split("\\s+");
      if (p.exitValue() != 0 || out.length != 2) {
        throw new IllegalStateException("numpy failed:\n" + printed);
      }
      double theirs = Double.parseDouble(out[0]);
      System.out.printf("run %d: segmenta %.2f s (%d iterations, top 10 %% = %,d); numpy %.2f s (%s iterations); ratio %.2f%n",
          run, ours, m.iterations(), tiers.get(3).members().length, theirs, out[1], ours / theirs);
    }
    Files.delete(file);
  }
}
