package io.segmenta.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segmenta.core.rule.json.RuleJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Pins the canonical text and JSON of rules (golden/rules.txt): saved segments and API clients depend on both, so
 * a change to either must be a deliberate edit of the golden file.
 */
class GoldenFormatTest {
  record Golden(String input, String text, String json) {}

  static List<Golden> read() throws IOException {
    List<Golden> out = new ArrayList<>();
    try (InputStream in = GoldenFormatTest.class.getResourceAsStream("/golden/rules.txt")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      String input = null;
      String text = null;
      for (String l : lines) {
        if (l.startsWith("rule: ")) {
          input = l.substring(6);
        } else if (l.startsWith("text: ")) {
          text = l.substring(6);
        } else if (l.startsWith("json: ")) {
          out.add(new Golden(input, text, l.substring(6)));
        }
      }
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> print_matchesGolden() throws IOException {
    List<Golden> cases = read();
    assertEquals(17, cases.size(), "golden cases");
    return cases.stream().map(g -> DynamicTest.dynamicTest(g.input(), () -> {
      Rule r = RuleText.parseRule(g.input());
      assertEquals(g.text(), RuleText.print(r));
      assertEquals(g.json(), RuleJson.print(r));
      assertEquals(r, RuleJson.parseRule(g.json()));
    }));
  }
}
