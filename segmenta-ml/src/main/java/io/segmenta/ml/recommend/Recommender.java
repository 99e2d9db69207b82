package io.segmenta.ml.recommend;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.personalize.Click;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.port.Activity;
import io.segmenta.core.port.Catalog;
import io.segmenta.core.port.Interaction;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Predicate;

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
 * <p>The model is built by {@link Training} (customers' slices grouped by {@link CustomerGroups}); this class holds it
 * and answers the four ways of reading it (bought together, viewed together, personal, session), which share the
 * same primitive layout and scratch space.
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

  Recommender(Map<String, Integer> productIndex, String[] products, String[] categories, double[] prices, Map<String, int[]> historyItems,
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
    return Training.build(purchases, views, asOf, options);
  }

  /**
   * Builds from a store: every purchased order line before {@code asOf}, and product views of the last
   * {@code 4 × halfLife} when the schema has {@code product_view} events.
   */
  public static Recommender fromStore(Catalog catalog, Activity activity, Instant asOf, Options options) {
    List<Interaction> purchases = new ArrayList<>();
    activity.interactions("order_line", Instant.EPOCH, asOf, purchases::add);
    List<Interaction> views = new ArrayList<>();
    if (catalog.schema().eventType("product_view").isPresent()) {
      activity.interactions("product_view", asOf.minus(options.halfLife().multipliedBy(4)), asOf, views::add);
    }
    return build(purchases, views, asOf, options);
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
    return ranked(Training.rank(counts), n, filter, Set.of(), "popular in the segment");
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
