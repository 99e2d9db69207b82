package io.segmenta.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.testkit.ExampleSegments;
import io.segmenta.testkit.ShopGenerator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ten example segments of the segmentation article (shared/seeds 001), written in the text syntax, each find
 * the customers the synthetic shop planted for them: precision and recall of at least 90 %, in SQL and in memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ExampleSegmentsContract extends StoreContract {
  private static final int CUSTOMERS = 6_000;

  @TempDir
  static Path dir;
  private Store store;
  private Segments segments;
  private List<ShopGenerator.Truth> truth;
  private Instant asOf;

  @BeforeAll
  void load() {
    store = open(dir);
    ShopGenerator shop = ShopGenerator.standard();
    truth = shop.generate(0, CUSTOMERS, 2_000, batch -> write(store, batch));
    asOf = shop.asOf();
    segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), Clock.systemUTC());
    ExampleSegments.ALL.values().forEach(e -> segments.save(e.name(), e.rule(), "seed 001 example"));
  }

  @AfterAll
  void close() {
    store.close();
  }

  @TestFactory
  Stream<DynamicTest> exampleSegment_findsItsPlantedMembers() {
    return ExampleSegments.ALL.values().stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
      Set<String> planted = truth.stream().filter(t -> t.personas().contains(e.persona())).map(ShopGenerator.Truth::profileId).collect(Collectors.toSet());
      Set<String> found = new HashSet<>(members(store, segments.ruleOf(e.name()), asOf, 0, Integer.MAX_VALUE));
      Set<String> hit = new HashSet<>(found);
      hit.retainAll(planted);
      double precision = found.isEmpty() ? 0 : hit.size() / (double) found.size();
      double recall = hit.size() / (double) planted.size();
      String summary = String.format("%s: %d planted, %d found, precision %.3f, recall %.3f", e.name(), planted.size(), found.size(), precision, recall);
      System.out.println(summary);
      assertTrue(planted.size() > CUSTOMERS / 50, "too few planted for a meaningful test: " + summary);
      assertTrue(precision >= 0.9 && recall >= 0.9, summary);
    }));
  }

  @TestFactory
  Stream<DynamicTest> exampleSegment_sameMembersInMemory() {
    List<ProfileHistory> sample = truth.subList(0, 400).stream().map(t -> history(store, t.profileId()).orElseThrow()).toList();
    Evaluator ev = Evaluator.strict(asOf, segments.resolver());
    return ExampleSegments.ALL.values().stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
      Rule rule = segments.ruleOf(e.name());
      Set<String> sql = new HashSet<>(members(store, rule, asOf, 0, Integer.MAX_VALUE));
      for (ProfileHistory h : sample) {
        assertEquals(sql.contains(h.profile().id()), ev.matches(rule, h), e.name() + " disagrees on " + h.profile().id());
      }
    }));
  }
}
