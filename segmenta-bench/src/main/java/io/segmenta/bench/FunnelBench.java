package io.segmenta.bench;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.BeforeSaving;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The builder's live preview on the 1M-customer shop (built by {@link SegmentBench}), issue 18's "before saving":
 * a rule as it grows while someone types it (one, two, three, four top-level conditions), each previewed as the builder
 * does ({@link BeforeSaving}: the funnel, reach per purpose and cost in one query over a 1-in-10 sample), against its
 * peer in the same run, the exact count of the same rule ({@code segment count}, one query over everyone), and the
 * exact funnel over everyone. Runs interleave; the medians and the ratio preview / count are printed. The target is
 * a funnel in at most 300 ms.
 *
 * <pre>java -cp 'segmenta-bench/target/segmenta-bench-0.1.0-SNAPSHOT.jar:segmenta-bench/target/lib/*' \
 *     io.segmenta.bench.FunnelBench --data-dir /tmp/bench-1m --runs 7</pre>
 *
 * <p>{@code --exact-up-to N} (default {@link BeforeSaving#EXACT_UP_TO}) lowers the population above which the preview
 * samples, so a small shop checks the sampled path too (a 20,000-customer shop with {@code --exact-up-to 2000}
 * samples 1 in 10, as the 1M shop does by default).
 */
public final class FunnelBench {
  private FunnelBench() {}

  static final List<String> TYPED = List.of(
      "count(order in last 365 days) >= 1",
      "count(order in last 365 days) >= 1 and country = \"DK\"",
      "count(order in last 365 days) >= 1 and country = \"DK\" and sum(order.revenue in last 365 days) > 200",
      "count(order in last 365 days) >= 1 and country = \"DK\" and sum(order.revenue in last 365 days) > 200 and count(session where traffic_source = \"social\" in last 180 days) >= 1");

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(SegmentBench.arg(args, "--data-dir", "target/bench-1000000"));
    int runs = Integer.parseInt(SegmentBench.arg(args, "--runs", "7"));
    long exactUpTo = Long.parseLong(SegmentBench.arg(args, "--exact-up-to", Long.toString(BeforeSaving.EXACT_UP_TO)));
    StoreConfig config = StoreConfig.resolve(dir, SegmentBench.arg(args, "--memory-limit", "8GB"), Runtime.getRuntime().availableProcessors(), Map.of());
    try (Store store = DuckDb.open(config)) {
      Instant asOf = store.profiles().stats().lastEvent();
      long population = store.profiles().stats().profiles();
      System.out.printf(Locale.ROOT, "%,d profiles, as of %s, %d runs each, interleaved%n", population, asOf, runs);
      System.out.println("conditions | preview (1-in-k sample) ms | exact count ms | exact funnel ms | preview / count | size: preview vs exact | rows scanned");
      for (String text : TYPED) {
        Rule rule = RuleText.parseRule(text);
        // Warm-up: one of each, and the answers compared.
        BeforeSaving.Report sampled = BeforeSaving.of(store.audiences(), population, rule, asOf, exactUpTo);
        long exact = store.audiences().run(new AudienceQuery.Count(rule, asOf));
        BeforeSaving.of(store.audiences(), population, rule, asOf, Long.MAX_VALUE);
        List<Long> preview = new ArrayList<>();
        List<Long> count = new ArrayList<>();
        List<Long> funnel = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
          long t0 = System.nanoTime();
          sampled = BeforeSaving.of(store.audiences(), population, rule, asOf, exactUpTo);
          long t1 = System.nanoTime();
          store.audiences().run(new AudienceQuery.Count(rule, asOf));
          long t2 = System.nanoTime();
          BeforeSaving.of(store.audiences(), population, rule, asOf, Long.MAX_VALUE);
          long t3 = System.nanoTime();
          preview.add((t1 - t0) / 1_000_000);
          count.add((t2 - t1) / 1_000_000);
          funnel.add((t3 - t2) / 1_000_000);
        }
        long p = median(preview);
        long c = median(count);
        System.out.printf(Locale.ROOT, "%d | %,d (1-in-%d) | %,d | %,d | %.2f | %,d +/- %,d vs %,d | %,d%n", sampled.funnel().size(), p, sampled.sampleEvery(), c,
            median(funnel), (double) p / Math.max(1, c), sampled.size(), sampled.funnel().get(sampled.funnel().size() - 1).margin(), exact,
            sampled.cost().rowsScanned());
      }
    }
  }

  static long median(List<Long> xs) {
    long[] a = xs.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a[a.length / 2];
  }
}
