package io.segmenta.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The documented rule mapping a client's name to a safe internal one (docs/api.md, "Names"). */
class NamesTest {
  static String map(String raw) {
    return Names.safe(Names.snake(raw), false);
  }

  @Test
  void safe_pinsTheDocumentedExamples() {
    assertEquals("order_id", map("orderId"));
    assertEquals("order_id", map("Order ID"));
    assertEquals("seq_", map("seq"));
    assertEquals("id_", map("id"));
    assertEquals("type_", map("TYPE"));
    assertEquals("timestamp_", map("timestamp"));
    assertEquals("select_", map("select"));
    assertEquals("order_", map("order"));
    assertEquals("group_", map("group"));
    assertEquals("extras_", map("extras"));
    assertEquals("profile_id_", map("profileId"));
    assertEquals("n_123", map("123"));
    assertEquals("u4ef7_u683c", map("价格"));
    assertEquals("price_u4ef7_u683c", map("price价格"));
    assertEquals("cafe", map("Café"));
    assertEquals("values", Names.safe(Names.snake("values"), true), "a declared name stays");
  }

  @Test
  void safe_longNamesAreShortenedDeterministically() {
    String a = map("a".repeat(256));
    String b = map("a".repeat(255));
    assertEquals(63, a.length());
    assertTrue(Names.isValid(a) && Names.isValid(b));
    assertFalse(a.equals(b), "different names stay different");
    assertEquals(a, map("a".repeat(256)));
  }

  @Test
  void snake_refusesWhatCannotBeAName() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Names.snake("x".repeat(10_000))).getMessage().contains("at most 256"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Names.snake("a\u0000")).getMessage().contains("U+0000"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Names.snake("a\ud800")).getMessage().contains("lone surrogate"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Names.snake("---")).getMessage().contains("no letters or digits"));
  }

  @Test
  void safe_isValidIdempotentAndNeverReserved() {
    SplittableRandom r = new SplittableRandom(42);
    String alphabet = "aZ_ 9-.$é价\u00df\u0130IxXyY0";
    for (int i = 0; i < 5_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(80);
      for (int k = 0; k < n; k++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String mapped;
      try {
        mapped = map(sb.toString());
      } catch (IllegalArgumentException e) {
        continue;
      }
      assertTrue(Names.isValid(mapped), sb + " -> " + mapped);
      assertFalse(Names.reserved(mapped), sb + " -> " + mapped);
      assertFalse(Names.RESERVED.contains(mapped), sb + " -> " + mapped);
      assertEquals(mapped, map(mapped), "idempotent: " + sb);
    }
    for (String w : List.of("pkey", "profile_id", "event_id", "anonymous_id", "ts", "line_no", "event_type", "seq")) {
      assertTrue(Names.reserved(w), w);
    }
  }
}
