package io.segmenta.core.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** GrowthBook's cross-SDK cases for hash, getBucketRange, chooseVariation, inNamespace and getEqualWeights. */
class AssignmentConformanceTest {
  static JsonNode cases(String key) throws Exception {
    Path p = Path.of(System.getProperty("segmenta.shared", "../shared"), "conformance/growthbook-cases.json");
    if (!Files.isReadable(p)) {
      System.out.println("skipped: " + p + " is absent (../shared is not beside the checkout)");
    }
    assumeTrue(Files.isReadable(p), "skipped: " + p + " is absent (../shared is not beside the checkout)");
    return new ObjectMapper().readTree(p.toFile()).get(key);
  }

  static double[] doubles(JsonNode a) {
    if (a == null || a.isNull()) {
      return null;
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < a.size(); i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }

  static List<double[]> ranges(JsonNode a) {
    List<double[]> out = new ArrayList<>();
    a.forEach(r -> out.add(doubles(r)));
    return out;
  }

  /** One dynamic test per case of {@code key}, named by {@code name}; {@code expected} cases (or any when < 0). */
  static Stream<DynamicTest> each(String key, int expected, Function<JsonNode, String> name,
      Consumer<JsonNode> body) throws Exception {
    List<DynamicTest> t = new ArrayList<>();
    for (JsonNode c : cases(key)) {
      t.add(DynamicTest.dynamicTest(name.apply(c), () -> body.accept(c)));
    }
    if (expected >= 0) {
      assertEquals(expected, t.size(), key + " cases");
    }
    return t.stream();
  }

  @TestFactory
  Stream<DynamicTest> hash_matchesTheSdks() throws Exception {
    return each("hash", 15, JsonNode::toString, c -> {
      var h = Assignment.hash(c.get(0).asText(), c.get(1).asText(), c.get(2).asInt());
      if (c.get(3).isNull()) {
        assertTrue(h.isEmpty());
      } else {
        assertEquals(c.get(3).asDouble(), h.getAsDouble(), 1e-12);
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> bucketRanges_matchTheSdks() throws Exception {
    return each("getBucketRange", 13, c -> c.get(0).asText(), c -> {
      JsonNode args = c.get(1);
      List<double[]> got = Assignment.bucketRanges(args.get(0).asInt(), args.get(1).asDouble(), doubles(args.get(2)));
      List<double[]> want = ranges(c.get(2));
      assertEquals(want.size(), got.size());
      for (int i = 0; i < want.size(); i++) {
        assertArrayEquals(want.get(i), got.get(i), 1e-9);
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> chooseVariation_matchesTheSdks() throws Exception {
    return each("chooseVariation", 13, c -> c.get(0).asText(),
        c -> assertEquals(c.get(3).asInt(), Assignment.chooseVariation(c.get(1).asDouble(), ranges(c.get(2)))));
  }

  @TestFactory
  Stream<DynamicTest> inNamespace_matchesTheSdks() throws Exception {
    return each("inNamespace", 16, c -> c.get(0).asText(), c -> {
      JsonNode ns = c.get(2);
      assertEquals(c.get(3).asBoolean(), Assignment.inNamespace(c.get(1).asText(), ns.get(0).asText(), ns.get(1).asDouble(), ns.get(2).asDouble()));
    });
  }

  @TestFactory
  Stream<DynamicTest> equalWeights_matchTheSdks() throws Exception {
    // The cases write weights cut to 8 decimals (1/3 as 0.33333333), and the SDKs' harness compares them so.
    return each("getEqualWeights", -1, JsonNode::toString, c -> assertArrayEquals(doubles(c.get(1)),
        Arrays.stream(Assignment.equalWeights(c.get(0).asInt())).map(w -> Math.floor(w * 1e8) / 1e8).toArray(), 1e-12));
  }

  /**
   * Non-ASCII ids hash their UTF-16 code units as the JavaScript SDK does. The values were computed with an
   * independent implementation of FNV-1a over UTF-16 code units (Python, utf-16-le pairs), not with this code.
   */
  @Test
  void hash_nonAsciiUsesUtf16CodeUnits() {
    assertEquals(GOLDEN_E_ACUTE, Assignment.fnv32a("é"));
    assertEquals(GOLDEN_EMOJI, Assignment.fnv32a("a\uD83D\uDE00"));
  }

  static final long GOLDEN_E_ACUTE = 1_812_687_940L;
  static final long GOLDEN_EMOJI = 479_120_377L;
}
