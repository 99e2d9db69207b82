package io.segmenta.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenta.core.UserException;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * GrowthBook's cross-SDK {@code run} cases: each experiment is read by {@link ExperimentJson} (GrowthBook's own
 * experiment JSON, unchanged) and decided by {@link Assignment#decide}, and the variation value, "in experiment" and
 * "hash used" must match. Cases that need a browser URL (query-string overrides) or feature flags (prerequisites) test
 * SDK features Segmenta has no place for; they are listed by name, so a new case is never skipped silently, and the
 * prerequisite ones must be refused (an experiment run without its prerequisites would assign differently).
 */
class RunConformanceTest {
  static final Set<String> NOT_APPLICABLE = Set.of("querystring force", "querystring force with inactive",
      "Prerequisite condition passes", "Prerequisite condition fails");

  @TestFactory
  Stream<DynamicTest> run_matchesTheSdks() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    int skipped = 0;
    for (JsonNode c : AssignmentConformanceTest.cases("run")) {
      String name = c.get(0).asText();
      if (NOT_APPLICABLE.contains(name)) {
        skipped++;
        if (c.get(2).has("parentConditions")) {
          // Prerequisite flags cannot be evaluated here: the experiment is refused by name, never run without them.
          tests.add(DynamicTest.dynamicTest(name + " (refused)", () -> {
            UserException x = assertThrows(UserException.class, () -> ExperimentJson.parse(c.get(2)));
            assertTrue(x.getMessage().startsWith("experiment field 'parentConditions'"), x.getMessage());
          }));
        }
        continue;
      }
      tests.add(DynamicTest.dynamicTest(name, () -> {
        Experiment e = ExperimentJson.parse(c.get(2));
        Decision d = Assignment.decide(e, unit(c.get(1)));
        assertEquals(JsonValues.fromJson(c.get(3)), d.value(), "value");
        assertEquals(c.get(4).asBoolean(), d.inExperiment(), "inExperiment");
        assertEquals(c.get(5).asBoolean(), d.hashUsed(), "hashUsed");
      }));
    }
    assertEquals(NOT_APPLICABLE.size(), skipped, "every case named as not applicable exists");
    assertEquals(73 - NOT_APPLICABLE.size() + 2, tests.size(), "the applicable cases and the two refused prerequisite cases");
    return tests.stream();
  }

  static Unit unit(JsonNode ctx) {
    Value attributes = ctx.has("attributes") ? JsonValues.fromJson(ctx.get("attributes")) : new Value.ObjectValue(Map.of());
    Map<String, List<Value>> groups = new HashMap<>();
    if (ctx.has("savedGroups")) {
      ctx.get("savedGroups").fields().forEachRemaining(g -> groups.put(g.getKey(), ((Value.ListValue) JsonValues.fromJson(g.getValue())).items()));
    }
    Map<String, Integer> forced = new HashMap<>();
    if (ctx.has("forcedVariations")) {
      ctx.get("forcedVariations").fields().forEachRemaining(f -> forced.put(f.getKey(), f.getValue().asInt()));
    }
    return new Unit(attributes, s -> false, groups, forced, ctx.path("enabled").asBoolean(true), ctx.path("qaMode").asBoolean(false));
  }

}
