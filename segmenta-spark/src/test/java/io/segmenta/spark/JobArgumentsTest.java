package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SparkJob's arguments: a corpus of right and wrong command lines, and a seeded fuzzer (only UserException, naming the argument). */
class JobArgumentsTest {
  @Test
  void parse_corpus() {
    JobArguments a = JobArguments.parse(new String[] {"count", "--lake", "/l", "count(order) >= 1", "--as-of", "2025-06-30", "vip"});
    assertEquals("count", a.command());
    assertEquals(Map.of("lake", "/l", "as-of", "2025-06-30"), a.options());
    assertEquals(List.of("count(order) >= 1", "vip"), a.rest());
    assertEquals("analytics", a.option("purpose", "analytics"));
    for (String[] wrong : List.of(new String[] {}, new String[] {"score", "--lake", "/l"}, new String[] {"count", "x"},
        new String[] {"count", "--lake"}, new String[] {"count", "--lake", "/l", "--lake", "/m"}, new String[] {"rfm", "--lake", "/l", "--seed", "1"})) {
      UserException e = assertThrows(UserException.class, () -> JobArguments.parse(wrong), String.join(" ", wrong));
      assertTrue(e.getMessage().matches("(?s).*(command|--lake|option|unknown).*"), e.getMessage());
    }
  }

  @Test
  void parse_fuzz_onlyUserExceptions() {
    Random random = new Random(19);
    List<String> tokens = List.of("count", "export", "rfm", "value", "recompute", "--lake", "--as-of", "--traits", "--seed", "--", "-", "", "x", "--output", "é", "--window");
    for (int i = 0; i < 5_000; i++) {
      List<String> args = new ArrayList<>();
      for (int n = random.nextInt(7); n > 0; n--) {
        args.add(tokens.get(random.nextInt(tokens.size())));
      }
      try {
        JobArguments a = JobArguments.parse(args.toArray(String[]::new));
        assertTrue(JobArguments.COMMANDS.contains(a.command()) && a.options().containsKey("lake"), args.toString());
      } catch (UserException e) {
        assertTrue(!e.getMessage().isBlank(), args.toString());
      }
    }
  }
}
