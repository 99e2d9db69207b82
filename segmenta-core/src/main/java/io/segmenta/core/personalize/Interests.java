package io.segmenta.core.personalize;

import static io.segmenta.core.Preconditions.checkArgument;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a visitor is interested in right now: category affinities from the session's clicks, each click weighted by
 * what it says (a cart add more than a product view, a product view more than a category page) and decayed
 * exponentially with its age, so that yesterday's golf browsing gives way to today's running shoes. No personal
 * data is needed, so anonymous visitors get it too; it is carried over when they identify (see {@link Sessions}).
 *
 * <p>Exponential decay with a half-life is the usual time-aware weighting of implicit feedback (Ding and Li,
 * "Time weight collaborative filtering", CIKM 2005); the half-life is a setting, 30 minutes for in-session
 * interests by default.
 *
 * @param shares each category's share of the decayed weight, summing to 1 (empty without category clicks)
 * @param weight the total decayed weight, to tell strong signals from a single glance
 */
public record Interests(Map<String, Double> shares, double weight) {
  public static final Duration DEFAULT_HALF_LIFE = Duration.ofMinutes(30);
  /** The share a category needs to be the top interest. */
  public static final double TOP_SHARE = 0.4;
  /** The decayed weight a session needs before it has a top interest: about two product views. */
  public static final double TOP_WEIGHT = 1.5;
  /** The share a category needs to be listed among the session's interests. */
  public static final double LISTED_SHARE = 0.15;

  public static final Interests NONE = new Interests(Map.of(), 0);

  public Interests {
    shares = Map.copyOf(shares);
  }

  public static Interests of(List<Click> clicks, Instant now, Duration halfLife) {
    checkArgument(!halfLife.isNegative() && !halfLife.isZero(), "half-life must be positive, got %s", halfLife);
    double hl = halfLife.toMillis();
    Map<String, Double> w = new HashMap<>();
    double total = 0;
    for (Click c : clicks) {
      if (c.category() == null || c.at().isAfter(now)) {
        continue;
      }
      double weight = switch (c.kind()) {
        case CART, CHECKOUT -> 3;
        case PRODUCT -> 1;
        case CATEGORY, SEARCH -> 0.5;
        default -> 0.25;
      };
      double age = now.toEpochMilli() - c.at().toEpochMilli();
      double x = weight * StrictMath.pow(0.5, age / hl);
      w.merge(c.category(), x, Double::sum);
      total += x;
    }
    if (total == 0) {
      return NONE;
    }
    Map<String, Double> shares = new HashMap<>();
    for (Map.Entry<String, Double> e : w.entrySet()) {
      shares.put(e.getKey(), e.getValue() / total);
    }
    return new Interests(shares, total);
  }

  /** The category that dominates the session, or null when none does or the signal is too weak. */
  public String top() {
    if (weight < TOP_WEIGHT) {
      return null;
    }
    String best = null;
    double bestShare = 0;
    for (Map.Entry<String, Double> e : shares.entrySet()) {
      if (e.getValue() > bestShare || (e.getValue() == bestShare && best != null && e.getKey().compareTo(best) < 0)) {
        best = e.getKey();
        bestShare = e.getValue();
      }
    }
    return bestShare >= TOP_SHARE ? best : null;
  }

  /** The categories with a share of at least {@link #LISTED_SHARE}, strongest first (ties by name). */
  public List<String> listed() {
    List<Map.Entry<String, Double>> entries = new ArrayList<>(shares.entrySet());
    entries.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Double> e : entries) {
      if (e.getValue() >= LISTED_SHARE) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
