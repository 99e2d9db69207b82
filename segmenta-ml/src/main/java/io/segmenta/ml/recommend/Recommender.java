package io.segmenta.ml.recommend;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.personalize.Click;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.port.Interaction;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import io.segmenta.core.store.Store;
import java.util.Collections;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Product recommendations for a shop: personal ones from a customer's purchases (what they buy again, and what is
 * bought together with it: {@link ItemSimilarity}), session ones for anonymous visitors (what is viewed or bought
 * together with the products in the session, then what is popular in the session's category), and popularity
 * (overall, trending, or among a segment's members) as the fallback that fills every list. Filters (not already
 * bought, category, price band, availability) and a diversity cap per category apply to all of them.
 *
 * <p>Personal scores: each product the customer bought has a weight that halves every {@link Options#halfLife}
 * before their last purchase (recent taste counts more: Ding and Li, CIKM 2005). A candidate scores its
 * repurchase weight (the customer's own decayed purchases of it, normalised to the strongest) plus
 * {@link Options#togetherWeight} times its co-occurrence score (the weighted sum of its similarities to the
 * customer's products, normalised likewise). Shops where customers restock (groceries, supplies, wholesale) gain
 * most from the first term, shops of one-off purchases from the second; the default weighs them evenly, and the
 * offline evaluation ({@link Evaluation}) shows what each part is worth on real data.
 *
 * <p>Built from interactions up to an "as of"; the build records how it was made ({@link #provenance}). Decay uses
 * {@code StrictMath.pow}: {@code Math.pow} may differ by an ulp between interpreted and compiled code, which changed
 * tie-breaks, and so lists, from one run to the next. Thread-safe once built (read-only).
 *
 * <p>Over 500 lines: the model's arrays and the four ways of reading them (bought together, viewed together,
 * personal, session) share the same primitive layout and scratch space; ItemSimilarity already builds apart. Issue
 * 13 lists it for a split into model and queries.
 */
public final class Recommender implements Recommendations, Serializable {
  private static final long serialVersionUID = 1L;


  /**
   * @param halfLife how fast a customer's older purchases lose weight
   * @param togetherWeight the weight of "bought together" against "buys again"
   * @param trending the window of trending popularity, before the as-of
   * @param neighbours how many similar items each item keeps
   * @param maxBasket how many of a customer's most recent distinct items count for co-occurrence
   * @param shrink the shrinkage of similarities of rarely co-occurring pairs
   */
  public record Options(Duration halfLife, double togetherWeight, Duration trending, int neighbours, int maxBasket, double shrink) implements Serializable {
    public static final Options DEFAULT = new Options(Duration.ofDays(90), 1.0, Duration.ofDays(30), 50, 200, 5);

    public Options {
      checkArgument(!halfLife.isNegative() && !halfLife.isZero(), "half-life must be positive, got %s", halfLife);
      checkArgument(togetherWeight >= 0, "togetherWeight must be non-negative, got %s", togetherWeight);
      checkArgument(!trending.isNegative() && !trending.isZero(), "trending window must be positive, got %s", trending);
    }
  }

  /**
   * What a list may hold.
   *
   * @param excludeBought leave out what the customer already bought
   * @param category only this category (null: any)
   * @param minPrice, maxPrice the price band (NaN: open)
   * @param available whether a product can be sold (in stock); null: all can
   * @param maxPerCategory at most this many products of one category (0: no cap), for diversity
   */
  public record Filter(boolean excludeBought, String category, double minPrice, double maxPrice, Predicate<String> available, int maxPerCategory) {
    public static final Filter NONE = new Filter(false, null, Double.NaN, Double.NaN, null, 0);
    public static final Filter NEW_ONLY = new Filter(true, null, Double.NaN, Double.NaN, null, 0);

    public Filter withMaxPerCategory(int n) {
      return new Filter(excludeBought, category, minPrice, maxPrice, available, n);
    }
  }

  /** How a recommender was made: data window, sizes, options and build time. */
  public record Provenance(Instant asOf, long interactions, int customers, int products, Options options, Duration buildTime) implements Serializable {}

  private final Map<String, Integer> productIndex;
  private final String[] products;
  private final String[] categories;
  private final double[] prices;
  private final Map<String, int[]> historyItems;
  private final Map<String, double[]> historyWeights;
  private final ItemSimilarity bought;
  private final ItemSimilarity viewed;
  private final int[] popular;
  private final int[] trending;
  private final Options options;
  private final Provenance provenance;

  private Recommender(Map<String, Integer> productIndex, String[] products, String[] categories, double[] prices, Map<String, int[]> historyItems,
      Map<String, double[]> historyWeights, ItemSimilarity bought, ItemSimilarity viewed, int[] popular, int[] trending, Options options,
      Provenance provenance) {
    this.historyItems = historyItems;
    this.historyWeights = historyWeights;
    int size = products.length;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(size));
    this.productIndex = productIndex;
    this.products = products;
    this.categories = categories;
    this.prices = prices;
    this.bought = bought;
    this.viewed = viewed;
    this.popular = popular;
    this.trending = trending;
    this.options = options;
    this.provenance = provenance;
  }

  /**
   * Builds from purchases (and product views, which may be empty) before {@code asOf}, in any order: the same
   * interactions give the same model.
   */
  public static Recommender build(List<Interaction> purchases, List<Interaction> views, Instant asOf, Options options) {
    long started = System.nanoTime();
    // Products are numbered in the order of their ids, and each takes its category and price from its latest
    // interaction (ties: the larger price, then the larger category): nothing depends on the order the
    // interactions arrive in, so the same data always gives the same model.
    // (A hash map, then the few thousand ids sorted: a sorted map would compare strings on every one of millions
    // of interactions. `later` is a total order, so the result does not depend on the order either way.)
    Map<String, Interaction> latest = new HashMap<>();
    for (List<Interaction> list : List.of(purchases, views)) {
      for (Interaction x : list) {
        latest.merge(x.productId(), x, Recommender::later);
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
    Grouped bought = Grouped.of(purchases, index, asOf);
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
      Grouped seen = Grouped.of(views, index, asOf);
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
        new Provenance(asOf, count, bought.customers.length, n, options, took));
  }

  /**
   * Builds from a store: every purchased order line before {@code asOf}, and product views of the last
   * {@code 4 × halfLife} when the schema has {@code product_view} events.
   */
  public static Recommender fromStore(Store store, Instant asOf, Options options) {
    List<Interaction> purchases = new ArrayList<>();
    store.activity().interactions("order_line", Instant.EPOCH, asOf, purchases::add);
    List<Interaction> views = new ArrayList<>();
    if (store.catalog().schema().eventType("product_view").isPresent()) {
      store.activity().interactions("product_view", asOf.minus(options.halfLife().multipliedBy(4)), asOf, views::add);
    }
    return build(purchases, views, asOf, options);
  }

  /** Which of two interactions of a product describes it: the later one (ties: larger price, then larger category). */
  private static Interaction later(Interaction a, Interaction b) {
    int c = a.at().compareTo(b.at());
    if (c == 0) {
      c = Double.compare(Double.isNaN(a.price()) ? Double.NEGATIVE_INFINITY : a.price(), Double.isNaN(b.price()) ? Double.NEGATIVE_INFINITY : b.price());
    }
    if (c == 0) {
      c = Objects.compare(a.category(), b.category(), Comparator.nullsFirst(Comparator.naturalOrder()));
    }
    return c >= 0 ? a : b;
  }

  /** Interactions before the as-of grouped by customer, each customer's in order of time, then of product. */
  private static final class Grouped {
    final String[] customers;
    final int[] offsets;
    final int[] items;
    final long[] times;

    private Grouped(String[] customers, int[] offsets, int[] items, long[] times) {
      this.customers = customers;
      this.offsets = offsets;
      this.items = items;
      this.times = times;
    }

    static Grouped of(List<Interaction> list, Map<String, Integer> index, Instant asOf) {
      Map<String, Integer> ids = new HashMap<>();
      List<String> names = new ArrayList<>();
      int m = 0;
      int[] customerOf = new int[list.size()];
      long until = asOf.toEpochMilli();
      for (int x = 0; x < list.size(); x++) {
        Interaction i = list.get(x);
        if (i.at().toEpochMilli() >= until) {
          customerOf[x] = -1;
          continue;
        }
        Integer c = ids.get(i.profileId());
        if (c == null) {
          c = names.size();
          ids.put(i.profileId(), c);
          names.add(i.profileId());
        }
        customerOf[x] = c;
        m++;
      }
      int[] offsets = new int[names.size() + 1];
      for (int c : customerOf) {
        if (c >= 0) {
          offsets[c + 1]++;
        }
      }
      for (int c = 0; c < names.size(); c++) {
        offsets[c + 1] += offsets[c];
      }
      int[] fill = Arrays.copyOf(offsets, names.size());
      int[] items = new int[m];
      long[] times = new long[m];
      for (int x = 0; x < list.size(); x++) {
        int c = customerOf[x];
        if (c >= 0) {
          int at = fill[c]++;
          items[at] = index.get(list.get(x).productId());
          times[at] = list.get(x).at().toEpochMilli();
        }
      }
      // Each customer's slice in order of time, then product, whatever order the interactions came in.
      for (int c = 0; c < names.size(); c++) {
        int from = offsets[c];
        int len = offsets[c + 1] - from;
        if (len < 2) {
          continue;
        }
        if (len <= 32) {
          // Most customers have a handful of lines: sorted in place (equal pairs are identical, so order among
          // them cannot matter).
          for (int a = from + 1; a < from + len; a++) {
            long t = times[a];
            int item = items[a];
            int b = a - 1;
            while (b >= from && (times[b] > t || (times[b] == t && items[b] > item))) {
              times[b + 1] = times[b];
              items[b + 1] = items[b];
              b--;
            }
            times[b + 1] = t;
            items[b + 1] = item;
          }
          continue;
        }
        Integer[] order = new Integer[len];
        for (int k = 0; k < len; k++) {
          order[k] = from + k;
        }
        Arrays.sort(order, (x, y) -> times[x] != times[y] ? Long.compare(times[x], times[y]) : Integer.compare(items[x], items[y]));
        int[] it = new int[len];
        long[] tm = new long[len];
        for (int k = 0; k < len; k++) {
          it[k] = items[order[k]];
          tm[k] = times[order[k]];
        }
        System.arraycopy(it, 0, items, from, len);
        System.arraycopy(tm, 0, times, from, len);
      }
      return new Grouped(names.toArray(new String[0]), offsets, items, times);
    }
  }

  /** Item ids by descending count (ties: smaller id), leaving out items with none. */
  private static int[] rank(int[] counts) {
    return IntStream.range(0, counts.length).boxed().filter(i -> counts[i] > 0)
        .sorted((a, b) -> counts[a] != counts[b] ? Integer.compare(counts[b], counts[a]) : Integer.compare(a, b))
        .mapToInt(Integer::intValue).toArray();
  }

  public Provenance provenance() {
    return provenance;
  }

  public boolean knows(String profileId) {
    return historyItems.containsKey(profileId);
  }

  /** The products a customer bought before the as-of, most recently bought last. */
  public List<String> history(String profileId) {
    int[] items = historyItems.get(profileId);
    return items == null ? List.of() : Arrays.stream(items).mapToObj(i -> products[i]).toList();
  }

  /** The internal ids of known products (for exclusions). */
  Set<Integer> productIds(Collection<String> ids) {
    Set<Integer> out = new HashSet<>();
    for (String id : ids) {
      Integer i = productIndex.get(id);
      if (i != null) {
        out.add(i);
      }
    }
    return out;
  }

  // ---- Recommendations (the decision API's and e-mails' view)

  @Override
  public List<Item> recommend(String profileId, List<Click> session, int n) {
    if (profileId != null && knows(profileId)) {
      return personal(profileId, n, Filter.NONE.withMaxPerCategory(Math.max(2, n / 2)));
    }
    return forSession(session, n, Filter.NONE.withMaxPerCategory(Math.max(2, n / 2)));
  }

  /**
   * Per-thread scratch space for {@link #personal}: a decision asks for recommendations thousands of times a
   * second, and maps of boxed scores per call were most of what the decision API allocated (and so of its GC pauses).
   */
  private transient ThreadLocal<Scratch> scratch;

  /** A model read back from a file (the CLI keeps one between calls) gets fresh scratch space. */
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int size = products.length;
    scratch = ThreadLocal.withInitial(() -> new Scratch(size));
  }

  private static final class Scratch {
    final double[] again;
    final double[] together;
    final double[] best;
    final int[] because;
    final int[] seen;
    final int[] own;
    final int[] taken;
    final int[] touched;
    int stamp;

    Scratch(int n) {
      again = new double[n];
      together = new double[n];
      best = new double[n];
      because = new int[n];
      seen = new int[n];
      own = new int[n];
      taken = new int[n];
      touched = new int[n];
    }

    /** Clears an item's sums the first time this call sees it, listing it as a candidate; returns the new count. */
    int touch(int i, int stamp, int count) {
      if (seen[i] == stamp) {
        return count;
      }
      seen[i] = stamp;
      again[i] = 0;
      together[i] = 0;
      best[i] = 0;
      because[i] = i;
      touched[count] = i;
      return count + 1;
    }
  }

  /** Personal recommendations: buys again plus bought together, filled up with trending then overall popularity. */
  public List<Item> personal(String profileId, int n, Filter filter) {
    checkArgument(n > 0, "n must be positive, got %s", n);
    int[] items = historyItems.get(profileId);
    if (items == null) {
      return popular(n, filter, Set.of());
    }
    double[] w = historyWeights.get(profileId);
    Scratch z = scratch.get();
    int stamp = ++z.stamp;
    int touched = 0;
    double maxAgain = 0;
    for (int x = 0; x < items.length; x++) {
      int i = items[x];
      touched = z.touch(i, stamp, touched);
      z.own[i] = stamp;
      z.again[i] = w[x];
      maxAgain = Math.max(maxAgain, w[x]);
    }
    for (int x = 0; x < items.length; x++) {
      int[] nb = bought.neighbours(items[x]);
      float[] sim = bought.similarities(items[x]);
      for (int y = 0; y < nb.length; y++) {
        int j = nb[y];
        touched = z.touch(j, stamp, touched);
        double add = w[x] * sim[y];
        z.together[j] += add;
        if (add > z.best[j]) {
          z.best[j] = add;
          z.because[j] = items[x];
        }
      }
    }
    double maxTogether = 0;
    for (int t = 0; t < touched; t++) {
      maxTogether = Math.max(maxTogether, z.together[z.touched[t]]);
    }
    double ma = maxAgain == 0 ? 1 : maxAgain;
    double mt = maxTogether == 0 ? 1 : maxTogether;
    double tw = options.togetherWeight();
    List<Item> out = new ArrayList<>(n);
    Map<String, Integer> perCategory = new HashMap<>();
    Set<Integer> own = new HashSet<>();
    // Top n by repeated selection: lists are short and candidates a few hundred, so this beats sorting them all.
    while (out.size() < n) {
      int bestItem = -1;
      double bestScore = -1;
      for (int t = 0; t < touched; t++) {
        int i = z.touched[t];
        if (z.taken[i] == stamp) {
          continue;
        }
        double score = z.again[i] / ma + tw * z.together[i] / mt;
        if (score > bestScore || (score == bestScore && i < bestItem)) {
          bestScore = score;
          bestItem = i;
        }
      }
      if (bestItem < 0) {
        break;
      }
      z.taken[bestItem] = stamp;
      boolean mine = z.own[bestItem] == stamp;
      if (mine) {
        own.add(bestItem);
      }
      if (filter.excludeBought() && mine) {
        continue;
      }
      if (passes(bestItem, filter, Set.of(), perCategory)) {
        boolean again = mine && z.again[bestItem] / ma >= tw * z.together[bestItem] / mt;
        out.add(new Item(products[bestItem], bestScore, again ? "bought before" : "bought together with " + products[z.because[bestItem]]));
      }
    }
    if (filter.excludeBought()) {
      for (int i : items) {
        own.add(i);
      }
    }
    return fill(out, n, filter, own);
  }

  /** For an anonymous visitor: viewed or bought together with the session's products, then popular in its category. */
  public List<Item> forSession(List<Click> session, int n, Filter filter) {
    checkArgument(n > 0, "n must be positive, got %s", n);
    ItemSimilarity sim = viewed != null ? viewed : bought;
    Map<Integer, Double> score = new HashMap<>();
    Map<Integer, Integer> because = new HashMap<>();
    Set<Integer> seen = new HashSet<>();
    Map<String, Integer> categoryClicks = new HashMap<>();
    int k = 0;
    for (Click c : session) {
      k++;
      if (c.category() != null) {
        categoryClicks.merge(c.category(), 1, Integer::sum);
      }
      Integer item = c.productId() == null ? null : productIndex.get(c.productId());
      if (item == null) {
        continue;
      }
      seen.add(item);
      double recency = StrictMath.pow(0.5, (session.size() - k) / 5.0);
      int[] nb = sim.neighbours(item);
      float[] s = sim.similarities(item);
      for (int y = 0; y < nb.length; y++) {
        score.merge(nb[y], recency * s[y], Double::sum);
        because.putIfAbsent(nb[y], item);
      }
    }
    Filter f = new Filter(true, filter.category(), filter.minPrice(), filter.maxPrice(), filter.available(), filter.maxPerCategory());
    List<Item> out = pick(score, n, f, seen, i -> (viewed != null ? "viewed together with " : "bought together with ") + products[because.get(i)]);
    String top = null;
    for (Map.Entry<String, Integer> e : categoryClicks.entrySet()) {
      if (top == null || e.getValue() > categoryClicks.get(top) || (e.getValue().equals(categoryClicks.get(top)) && e.getKey().compareTo(top) < 0)) {
        top = e.getKey();
      }
    }
    if (out.size() < n && top != null && filter.category() == null) {
      String category = top;
      Filter inTop = new Filter(true, category, filter.minPrice(), filter.maxPrice(), filter.available(), filter.maxPerCategory());
      Set<Integer> exclude = new HashSet<>(seen);
      out.forEach(i -> exclude.add(productIndex.get(i.productId())));
      for (Item i : popular(n - out.size(), inTop, exclude)) {
        out.add(new Item(i.productId(), i.score(), "popular in " + category));
      }
    }
    return fill(out, n, f, seen);
  }

  /** The products most customers bought before the as-of. */
  public List<Item> popular(int n, Filter filter, Set<Integer> exclude) {
    return ranked(popular, n, filter, exclude, "popular");
  }

  /** The products most customers bought in the trending window before the as-of. */
  public List<Item> trending(int n, Filter filter) {
    return ranked(trending, n, filter, Set.of(), "trending");
  }

  /** The products most bought by the given customers (a segment's members). */
  public List<Item> popularAmong(Collection<String> members, int n, Filter filter) {
    int[] counts = new int[products.length];
    for (String m : members) {
      int[] items = historyItems.get(m);
      if (items != null) {
        for (int i : items) {
          counts[i]++;
        }
      }
    }
    return ranked(rank(counts), n, filter, Set.of(), "popular in the segment");
  }

  private List<Item> ranked(int[] order, int n, Filter filter, Set<Integer> exclude, String reason) {
    return ranked(order, n, filter, exclude, reason, new HashMap<>());
  }

  /** As above, continuing a list whose categories already hold {@code perCategory} products. */
  private List<Item> ranked(int[] order, int n, Filter filter, Set<Integer> exclude, String reason, Map<String, Integer> perCategory) {
    List<Item> out = new ArrayList<>();
    for (int r = 0; r < order.length && out.size() < n; r++) {
      int i = order[r];
      if (!exclude.contains(i) && passes(i, filter, Set.of(), perCategory)) {
        out.add(new Item(products[i], order.length - r, reason));
      }
    }
    return out;
  }

  private List<Item> pick(Map<Integer, Double> score, int n, Filter filter, Set<Integer> own, IntFunction<String> reason) {
    List<Map.Entry<Integer, Double>> entries = new ArrayList<>(score.entrySet());
    entries.sort((a, b) -> !a.getValue().equals(b.getValue()) ? Double.compare(b.getValue(), a.getValue()) : Integer.compare(a.getKey(), b.getKey()));
    List<Item> out = new ArrayList<>();
    Map<String, Integer> perCategory = new HashMap<>();
    for (Map.Entry<Integer, Double> e : entries) {
      if (out.size() >= n) {
        break;
      }
      int i = e.getKey();
      if (passes(i, filter, own, perCategory)) {
        out.add(new Item(products[i], e.getValue(), reason.apply(i)));
      }
    }
    return out;
  }

  /** Tops a list up with trending, then overall popularity, under the same filter. */
  private List<Item> fill(List<Item> out, int n, Filter filter, Set<Integer> own) {
    if (out.size() >= n) {
      return out;
    }
    Set<Integer> exclude = new HashSet<>();
    Map<String, Integer> perCategory = new HashMap<>();
    for (Item i : out) {
      int id = productIndex.get(i.productId());
      exclude.add(id);
      if (categories[id] != null) {
        perCategory.merge(categories[id], 1, Integer::sum);
      }
    }
    if (filter.excludeBought()) {
      exclude.addAll(own);
    }
    for (int[] order : List.of(trending, popular)) {
      for (Item i : ranked(order, n - out.size(), filter, exclude, order == trending ? "trending" : "popular", perCategory)) {
        out.add(i);
        exclude.add(productIndex.get(i.productId()));
      }
    }
    return out;
  }

  private boolean passes(int i, Filter f, Set<Integer> own, Map<String, Integer> perCategory) {
    if (f.excludeBought() && own.contains(i)) {
      return false;
    }
    String cat = categories[i];
    if (f.category() != null && !f.category().equals(cat)) {
      return false;
    }
    double p = prices[i];
    if ((!Double.isNaN(f.minPrice()) && !(p >= f.minPrice())) || (!Double.isNaN(f.maxPrice()) && !(p <= f.maxPrice()))) {
      return false;
    }
    if (f.available() != null && !f.available().test(products[i])) {
      return false;
    }
    if (f.maxPerCategory() > 0 && cat != null) {
      int c = perCategory.getOrDefault(cat, 0);
      if (c >= f.maxPerCategory()) {
        return false;
      }
      perCategory.put(cat, c + 1);
    }
    return true;
  }
}
