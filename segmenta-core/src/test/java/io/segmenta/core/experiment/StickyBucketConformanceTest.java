package io.segmenta.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.experiment.json.ExperimentJson;
import io.segmenta.core.rule.Evaluator;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * GrowthBook's cross-SDK {@code stickyBucket} cases. Each case is a feature with one experiment rule; the rule is read
 * by {@link ExperimentJson} as an experiment (its fields are GrowthBook's experiment fields: {@code meta},
 * {@code phase}, {@code bucketVersion}, {@code minBucketVersion}, {@code fallbackAttribute},
 * {@code disableStickyBucketing}), the stored assignment documents are merged as the SDKs merge them (the fallback
 * attribute's document, then the hash attribute's on top), and {@link Assignment#decide} must give the SDKs'
 * result; the documents after the call must be the SDKs' too, with {@link Assignment#stickyAssignment} as what is
 * stored.
 */
class StickyBucketConformanceTest {

  @TestFactory
  Stream<DynamicTest> decide_matchesTheSdksStickyBuckets() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : AssignmentConformanceTest.cases("stickyBucket")) {
      tests.add(DynamicTest.dynamicTest(c.get(0).asText(), () -> check(c)));
    }
    assertEquals(13, tests.size());
    return tests.stream();
  }

  static void check(JsonNode c) {
    JsonNode ctx = c.get(1);
    String featureId = c.get(3).asText();
    JsonNode rule = ctx.get("features").get(featureId).get("rules").get(0);
    ObjectNode exp = rule.deepCopy();
    exp.put("key", rule.hasNonNull("key") ? rule.get("key").asText() : featureId);
    Experiment e = ExperimentJson.parse(exp);
    Map<String, Value> attrs = ((Value.ObjectValue) JsonValues.fromJson(ctx.get("attributes"))).fields();

    Map<String, Map<String, String>> docs = new TreeMap<>();
    List<JsonNode> given = new ArrayList<>();
    c.get(2).forEach(given::add);
    if (ctx.has("stickyBucketAssignmentDocs")) {
      ctx.get("stickyBucketAssignmentDocs").forEach(given::add);
    }
    for (JsonNode d : given) {
      // The SDKs load only the documents of the user's own attribute values; another user's are never seen.
      Value own = attrs.get(d.get("attributeName").asText());
      if (!present(own) || !text(own).equals(d.get("attributeValue").asText())) {
        continue;
      }
      Map<String, String> a = new LinkedHashMap<>();
      d.get("assignments").fields().forEachRemaining(f -> a.put(f.getKey(), f.getValue().asText()));
      docs.put(d.get("attributeName").asText() + "||" + d.get("attributeValue").asText(), a);
    }
    Map<String, String> merged = new LinkedHashMap<>();
    String fallback = e.allocation().sticky().fallbackAttribute();
    if (fallback != null && present(attrs.get(fallback))) {
      merged.putAll(docs.getOrDefault(fallback + "||" + text(attrs.get(fallback)), Map.of()));
    }
    String hashAttribute = e.allocation().hashAttribute();
    merged.putAll(docs.getOrDefault(hashAttribute + "||" + (present(attrs.get(hashAttribute)) ? text(attrs.get(hashAttribute)) : ""), Map.of()));

    Decision d = Assignment.decide(e, Unit.of(new Value.ObjectValue(attrs)).withStickyAssignments(merged));
    JsonNode expected = c.get(4);
    if (expected.isNull()) {
      assertFalse(d.inExperiment(), d.reason());
    } else {
      assertEquals(expected.get("inExperiment").asBoolean(), d.inExperiment(), d.reason());
      assertEquals(expected.get("variationId").asInt(), d.variation(), "variationId");
      assertEquals(expected.get("key").asText(), d.variantKey(), "key");
      assertEquals(JsonValues.fromJson(expected.get("value")), d.value(), "value");
      assertEquals(expected.get("hashAttribute").asText(), d.hashAttribute(), "hashAttribute");
      assertEquals(expected.get("hashValue").asText(), d.hashValue(), "hashValue");
      assertEquals(expected.get("stickyBucketUsed").asBoolean(), d.stickyBucketUsed(), "stickyBucketUsed");
    }
    Assignment.stickyAssignment(e, d).ifPresent(s -> docs.computeIfAbsent(d.hashAttribute() + "||" + d.hashValue(), k -> new LinkedHashMap<>())
        .put(s.getKey(), s.getValue()));
    Map<String, Map<String, String>> want = new TreeMap<>();
    c.get(5).fields().forEachRemaining(f -> {
      Map<String, String> a = new LinkedHashMap<>();
      f.getValue().get("assignments").fields().forEachRemaining(x -> a.put(x.getKey(), x.getValue().asText()));
      want.put(f.getKey(), a);
    });
    assertEquals(want, docs, "sticky bucket documents after the call");
  }

  static boolean present(Value v) {
    return v != null && !v.isNull() && !text(v).isEmpty();
  }

  static String text(Value v) {
    return Evaluator.jsString(v);
  }
}
