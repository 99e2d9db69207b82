package io.segmenta.ml.recommend;

import io.segmenta.core.port.Interaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Builds a {@link Recommender} from interactions before an as-of: products numbered in the order of their ids,
 * each customer's distinct purchases with weights that halve every half-life before their last purchase (Ding and
 * Li, CIKM 2005), co-occurrence similarities of purchases and of views ({@link ItemSimilarity}), and popularity
 * overall and in the trending window. The same interactions in any order give the same model.
 */
final class Training {
  private Training() {}

  /**
   * Builds from purchases (and product views, which may be empty) before {@code asOf}, in any order: the same
   * interactions give the same model.
   */
  static Recommender build(List<Interaction> purchases, List<Interaction> views, Instant asOf, Recommender.Options options) {
    long started = System.nanoTime();
    // Products are numbered in the order of their ids, and each takes its category and price from its latest
    // interaction (ties: the larger price, then the larger category): nothing depends on the order the
    // interactions arrive in, so the same data always gives the same model.
    // (A hash map, then the few thousand ids sorted: a sorted map would compare strings on every one of millions
    // of interactions. `later` is a total order, so the result does not depend on the order either way.)
    Map<String, Interaction> latest = new HashMap<>();
    for (List<Interaction> list : List.of(purchases, views)) {
      for (Interaction x : list) {
        latest.merge(x.productId(), x, Training::later);
      }
    }
    List<String> ids = new ArrayList<>(latest.keySet());
    Collections.sort(ids);
    Map<String, Integer> index = new HashMap<>(latest.size() * 2);
    List<String> names = new ArrayList<>(latest.size());
    List<String> cats = new ArrayList<>(latest.size());
    List<Double> prices = new ArrayList<>(latest.size());
    for (String id : ids) {
      Interaction x = latest.get(id);
      index.put(id, names.size());
      names.add(id);
      cats.add(x.category());
      prices.add(x.price());
    }
    int n = names.size();
    // Per customer: distinct items in order of last purchase, with decayed weights relative to their last purchase.
    // Primitive arrays grouped by a stable counting sort keep a million customers' histories cheap to build.
    double hl = options.halfLife().toMillis();
    CustomerGroups bought = CustomerGroups.of(purchases, index, asOf);
    Map<String, int[]> historyItems = new HashMap<>(bought.customers.length * 2);
    Map<String, double[]> historyWeights = new HashMap<>(bought.customers.length * 2);
    List<int[]> baskets = new ArrayList<>(bought.customers.length);
    int[] stamp = new int[n];
    int[] lastAt = new int[n];
    double[] weight = new double[n];
    Instant trendFrom = asOf.minus(options.trending());
    int[] buyers = new int[n];
    int[] recent = new int[n];
    int[] recentStamp = new int[n];
    for (int c = 0; c < bought.customers.length; c++) {
      int from = bought.offsets[c];
      int to = bought.offsets[c + 1];
      long last = bought.times[to - 1];
      int distinct = 0;
      for (int x = from; x < to; x++) {
        int item = bought.items[x];
        if (stamp[item] != c + 1) {
          stamp[item] = c + 1;
          weight[item] = 0;
          distinct++;
        }
        lastAt[item] = x;
        weight[item] += StrictMath.pow(0.5, (last - bought.times[x]) / hl);
        if (bought.times[x] >= trendFrom.toEpochMilli() && recentStamp[item] != c + 1) {
          recentStamp[item] = c + 1;
          recent[item]++;
        }
      }
      int[] items = new int[distinct];
      double[] w = new double[distinct];
      int k = 0;
      for (int x = from; x < to; x++) {
        int item = bought.items[x];
        if (lastAt[item] == x) {
          items[k] = item;
          w[k++] = weight[item];
          buyers[item]++;
        }
      }
      historyItems.put(bought.customers[c], items);
      historyWeights.put(bought.customers[c], w);
      baskets.add(items);
    }
    ItemSimilarity boughtSim = ItemSimilarity.build(n, baskets, options.maxBasket(), options.neighbours(), options.shrink());
    ItemSimilarity viewedSim = null;
    if (!views.isEmpty()) {
      CustomerGroups seen = CustomerGroups.of(views, index, asOf);
      List<int[]> vb = new ArrayList<>(seen.customers.length);
      Arrays.fill(stamp, 0);
      for (int c = 0; c < seen.customers.length; c++) {
        for (int x = seen.offsets[c]; x < seen.offsets[c + 1]; x++) {
          lastAt[seen.items[x]] = x;
        }
        int distinct = 0;
        int[] items = new int[seen.offsets[c + 1] - seen.offsets[c]];
        for (int x = seen.offsets[c]; x < seen.offsets[c + 1]; x++) {
          if (lastAt[seen.items[x]] == x) {
            items[distinct++] = seen.items[x];
          }
        }
        vb.add(Arrays.copyOf(items, distinct));
      }
      viewedSim = ItemSimilarity.build(n, vb, options.maxBasket(), options.neighbours(), options.shrink());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    long count = purchases.stream().filter(x -> x.at().isBefore(asOf)).count() + views.stream().filter(x -> x.at().isBefore(asOf)).count();
    return new Recommender(index, names.toArray(new String[0]), cats.toArray(new String[0]), prices.stream().mapToDouble(Double::doubleValue).toArray(),
        historyItems, historyWeights, boughtSim, viewedSim, rank(buyers), rank(recent), options,
        new Recommender.Provenance(asOf, count, bought.customers.length, n, options, took));
  }

  /** Which of two interactions of a product describes it: the later one (ties: larger price, then larger category). */
  static Interaction later(Interaction a, Interaction b) {
    int c = a.at().compareTo(b.at());
    if (c == 0) {
      c = Double.compare(Double.isNaN(a.price()) ? Double.NEGATIVE_INFINITY : a.price(), Double.isNaN(b.price()) ? Double.NEGATIVE_INFINITY : b.price());
    }
    if (c == 0) {
      c = Objects.compare(a.category(), b.category(), Comparator.nullsFirst(Comparator.naturalOrder()));
    }
    return c >= 0 ? a : b;
  }

  /** Item ids by descending count (ties: smaller id), leaving out items with none. */
  static int[] rank(int[] counts) {
    return IntStream.range(0, counts.length).boxed().filter(i -> counts[i] > 0)
        .sorted((a, b) -> counts[a] != counts[b] ? Integer.compare(counts[b], counts[a]) : Integer.compare(a, b))
        .mapToInt(Integer::intValue).toArray();
  }
}
