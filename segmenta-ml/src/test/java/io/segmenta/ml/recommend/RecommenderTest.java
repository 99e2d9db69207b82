package io.segmenta.ml.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.personalize.Click;
import io.segmenta.core.port.Interaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecommenderTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant AS_OF = Instant.parse("2026-06-01T00:00:00Z");

  static Interaction buy(String who, String product, String category, double price, int day) {
    return new Interaction(who, product, category, price, 1, T0.plus(Duration.ofDays(day)));
  }

  /**
   * Golfers buy balls with their drivers, runners buy socks with their shoes; everybody buys a bag. Balls and socks
   * are bought by fewer people than the bag, so popularity alone would never suggest them.
   */
  static List<Interaction> shop() {
    List<Interaction> x = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      x.add(buy("g" + i, "driver", "golf", 300, i));
      x.add(buy("g" + i, "balls", "golf", 30, i + 1));
      x.add(buy("g" + i, "bag", "bags", 50, i + 2));
      x.add(buy("r" + i, "shoes", "running", 120, i));
      x.add(buy("r" + i, "socks", "running", 10, i + 1));
      x.add(buy("r" + i, "bag", "bags", 50, i + 3));
    }
    for (int i = 0; i < 30; i++) {
      x.add(buy("b" + i, "bag", "bags", 50, 40 + i));
    }
    x.add(buy("new-golfer", "driver", "golf", 300, 100));
    x.add(buy("new-runner", "shoes", "running", 120, 100));
    x.sort((a, b) -> a.at().compareTo(b.at()));
    return x;
  }

  final Recommender r = Recommender.build(shop(), List.of(), AS_OF, Recommender.Options.DEFAULT);

  @Test
  void personal_suggestsWhatIsBoughtTogether() {
    List<Recommender.Item> golf = r.personal("new-golfer", 1, Recommender.Filter.NEW_ONLY);
    assertEquals("balls", golf.get(0).productId());
    assertEquals("bought together with driver", golf.get(0).reason());
    assertEquals("socks", r.personal("new-runner", 1, Recommender.Filter.NEW_ONLY).get(0).productId());
  }

  @Test
  void popular_ranksByBuyers() {
    assertEquals(List.of("bag", "driver", "shoes"), r.popular(3, Recommender.Filter.NONE, Set.of()).stream().map(Recommender.Item::productId).toList());
  }

  @Test
  void personal_filtersApply() {
    List<String> cheap = r.personal("new-golfer", 5, new Recommender.Filter(true, null, Double.NaN, 40, null, 0))
        .stream().map(Recommender.Item::productId).toList();
    assertTrue(cheap.contains("balls") && cheap.contains("socks") && !cheap.contains("bag") && !cheap.contains("driver"), cheap.toString());
    List<String> golfOnly = r.personal("new-runner", 5, new Recommender.Filter(true, "golf", Double.NaN, Double.NaN, null, 0))
        .stream().map(Recommender.Item::productId).toList();
    assertEquals(List.of("driver", "balls"), golfOnly);
    List<String> inStock = r.personal("new-golfer", 5, new Recommender.Filter(true, null, Double.NaN, Double.NaN, p -> !p.equals("balls"), 0))
        .stream().map(Recommender.Item::productId).toList();
    assertFalse(inStock.contains("balls"), inStock.toString());
  }

  @Test
  void personal_diversityCapsACategory() {
    List<String> capped = r.personal("g0", 4, Recommender.Filter.NONE.withMaxPerCategory(1)).stream().map(Recommender.Item::productId).toList();
    assertEquals(1, capped.stream().filter(p -> p.equals("driver") || p.equals("balls")).count(), capped.toString());
  }

  @Test
  void recommend_anonymousSession_usesItsProducts() {
    List<Recommender.Item> items = r.recommend(null, List.of(new Click(AS_OF, Click.Kind.PRODUCT, "running", "shoes")), 1);
    assertEquals("socks", items.get(0).productId());
  }

  @Test
  void build_isDeterministicAndRecordsHowItWasMade() {
    Recommender again = Recommender.build(shop(), List.of(), AS_OF, Recommender.Options.DEFAULT);
    assertEquals(r.personal("g3", 5, Recommender.Filter.NONE), again.personal("g3", 5, Recommender.Filter.NONE));
    assertEquals(5, r.provenance().products());
    assertEquals(72, r.provenance().customers());
    assertEquals(AS_OF, r.provenance().asOf());
  }

  @Test
  void build_ignoresTheOrderOfInteractions() {
    List<Interaction> shuffled = new ArrayList<>(shop());
    Collections.shuffle(shuffled, new Random(3));
    Recommender fromShuffled = Recommender.build(shuffled, List.of(), AS_OF, Recommender.Options.DEFAULT);
    for (String who : List.of("g0", "r5", "b3", "new-golfer")) {
      assertEquals(r.personal(who, 5, Recommender.Filter.NONE), fromShuffled.personal(who, 5, Recommender.Filter.NONE), who);
      assertEquals(r.history(who), fromShuffled.history(who), who);
    }
    assertEquals(r.popular(5, Recommender.Filter.NONE, Set.of()), fromShuffled.popular(5, Recommender.Filter.NONE, Set.of()));
  }

  @Test
  void evaluation_personalBeatsPopularityWhereTasteDiffers() {
    List<Interaction> all = new ArrayList<>(shop());
    for (int i = 0; i < 20; i++) {
      all.add(buy("g" + i, "balls", "golf", 30, 200));
      all.add(buy("r" + i, "socks", "running", 10, 200));
    }
    Evaluation.Report rep = Evaluation.timeSplit(all, AS_OF.plus(Duration.ofDays(30)), 1, Recommender.Options.DEFAULT);
    assertEquals(40, rep.of(Evaluation.PERSONAL).users());
    assertEquals(0.0, rep.of(Evaluation.POPULAR).recall(), 1e-12);
    assertTrue(rep.of(Evaluation.PERSONAL).recall() > 0.9, Evaluation.table(rep));
  }
}
