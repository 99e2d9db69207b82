package io.segmenta.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code evalCondition} case of GrowthBook's cross-SDK suite (shared/conformance/growthbook-cases.json),
 * parsed from JSON, evaluated with {@link Semantics#GROWTHBOOK}, and also sent through both syntaxes first to
 * show that printing loses nothing a condition means.
 */
class GrowthBookConformanceTest {

  @TestFactory
  Stream<DynamicTest> evalCondition_matchesGrowthBook() throws IOException {
    Path file = SharedFiles.find("conformance/growthbook-cases.json");
    if (file == null) {
      return Stream.of(DynamicTest.dynamicTest("growthbook cases", () -> org.junit.jupiter.api.Assumptions.assumeTrue(false,
          "skipped: ../shared/conformance/growthbook-cases.json is absent (../shared is not beside the checkout)")));
    }
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    JsonNode cases = root.get("evalCondition");
    assertEquals(248, cases.size(), "the suite should hold 248 evalCondition cases");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : cases) {
      String name = c.get(0).asText();
      tests.add(DynamicTest.dynamicTest(name, () -> {
        Rule rule = RuleJson.parse(c.get(1)).rule();
        Value attrs = JsonValues.fromJson(c.get(2));
        boolean expected = c.get(3).asBoolean();
        Map<String, List<Value>> groups = groups(c.size() > 4 ? c.get(4) : null);
        assertEquals(expected, Evaluator.evalCondition(rule, attrs, groups), "json: " + c.get(1));
        Rule viaText = RuleText.parseRule(RuleText.print(rule));
        assertEquals(rule, viaText, "text round trip of " + RuleText.print(rule));
        assertEquals(expected, Evaluator.evalCondition(viaText, attrs, groups), "after the text round trip");
        Rule viaJson = RuleJson.parseRule(RuleJson.print(rule));
        assertEquals(rule, viaJson, "json round trip of " + RuleJson.print(rule));
      }));
    }
    return tests.stream();
  }

  private static Map<String, List<Value>> groups(JsonNode n) {
    Map<String, List<Value>> out = new HashMap<>();
    if (n != null && n.isObject()) {
      n.fields().forEachRemaining(e -> out.put(e.getKey(), ((Value.ListValue) JsonValues.fromJson(e.getValue())).items()));
    }
    return out;
  }
}
