package io.segmenta.core.personalize;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a visitor is in their buying journey, inferred from the current session alone, so that content can meet
 * them there (the seed articles' three stages: looking for inspiration; ready to decide and hunting the best deal;
 * knows what they want but has doubts).
 *
 * <p>Why rules and not a model: there is no labelled data for journey stages in a shop's own tracking, a marketer
 * has to be able to predict what the inference says, and the signals are few and well known from conversion
 * research (Baymard Institute's studies of product-page and checkout behaviour; the "messy middle" of Google's
 * 2020 consumer-insights report: exploration versus evaluation). {@link #of} scores each stage over the clicks of
 * the last {@link #SESSION} and takes the highest:
 * <ul>
 *   <li><b>doubts</b>: 2 per visit to reassurance pages (returns, shipping, reviews, size guide, FAQ, warranty),
 *       plus 1 per view of one product beyond its second, plus 1 for returning to a cart without checking out;
 *   <li><b>best deal</b>: 2 per visit to deals (sales, offers, outlet, sorting by price) or comparison pages;
 *   <li><b>inspiration</b>: 1 per distinct category beyond the second, plus 1 when at least four products were
 *       viewed with none viewed twice (wide, shallow browsing).
 * </ul>
 * Ties go to doubts, then best deal, then inspiration: the later a stage is in the journey, the more a wrong
 * guess costs. With every score 0 the intent is {@link #UNKNOWN}. A session's intent is a trait named
 * {@code intent} in decision rules, e.g. {@code intent = "doubts"}.
 */
public enum Intent {
  INSPIRATION, BEST_DEAL, DOUBTS, UNKNOWN;

  /** How far back a session reaches. */
  public static final Duration SESSION = Duration.ofMinutes(30);

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The stage of a session at {@code now}; clicks may come in any order, and older ones are ignored. */
  public static Intent of(List<Click> clicks, Instant now) {
    int[] s = scores(clicks, now);
    if (s[0] == 0 && s[1] == 0 && s[2] == 0) {
      return UNKNOWN;
    }
    if (s[2] >= s[1] && s[2] >= s[0]) {
      return DOUBTS;
    }
    return s[1] >= s[0] ? BEST_DEAL : INSPIRATION;
  }

  /** The three scores (inspiration, best deal, doubts), for explanations. */
  public static int[] scores(List<Click> clicks, Instant now) {
    Instant from = now.minus(SESSION);
    Set<String> categories = new HashSet<>();
    Map<String, Integer> views = new HashMap<>();
    int deals = 0;
    int reassurance = 0;
    int products = 0;
    boolean cart = false;
    boolean checkout = false;
    for (Click c : clicks) {
      if (c.at().isBefore(from) || c.at().isAfter(now)) {
        continue;
      }
      if (c.category() != null && (c.kind() == Click.Kind.CATEGORY || c.kind() == Click.Kind.PRODUCT)) {
        categories.add(c.category());
      }
      switch (c.kind()) {
        case PRODUCT -> {
          products++;
          if (c.productId() != null) {
            views.merge(c.productId(), 1, Integer::sum);
          }
        }
        case DEALS, COMPARE -> deals++;
        case REASSURANCE -> reassurance++;
        case CART -> cart = true;
        case CHECKOUT -> checkout = true;
        default -> {
        }
      }
    }
    int repeats = 0;
    int maxViews = 0;
    for (int v : views.values()) {
      repeats += Math.max(0, v - 2);
      maxViews = Math.max(maxViews, v);
    }
    int doubts = 2 * reassurance + repeats + (cart && !checkout ? 1 : 0);
    int deal = 2 * deals;
    int inspiration = Math.max(0, categories.size() - 2) + (products >= 4 && maxViews <= 1 ? 1 : 0);
    return new int[] {inspiration, deal, doubts};
  }
}
