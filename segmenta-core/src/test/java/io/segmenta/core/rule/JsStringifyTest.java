package io.segmenta.core.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segmenta.core.value.Value;
import io.segmenta.core.value.json.JsonValues;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code Js.stringify} writes its JSON text by hand so the rule language needs no JSON library; before, it printed
 * Jackson's tree. The two must agree on every value, or GrowthBook's comparisons of objects and arrays would change.
 */
class JsStringifyTest {
  private static final String CHARS = "aZ09 \"\\/\b\t\n\f\r\u0000\u0001\u001f\u007f\u00e9\u4ef7\ud83d\ude00$";
  private static final double[] NUMBERS = {0, -0.0, 1, -1, 1.5, 1e-7, 1e21, 123456789012345678.0, 9.007199254740992E15,
      9.007199254740991E15, Double.MAX_VALUE, Double.MIN_VALUE, 0.1 + 0.2, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY};

  @Test
  void stringify_randomValues_matchJacksonTreePrinter() {
    Random random = new Random(13);
    for (int i = 0; i < 5_000; i++) {
      Value v = value(random, 3);
      if (v instanceof Value.Num n && (Double.isNaN(n.value()) || Double.isInfinite(n.value()))) {
        assertEquals("null", Js.stringify(v), "a non-finite number alone is JSON.stringify's null");
        continue;
      }
      assertEquals(JsonValues.toJson(v).toString(), Js.stringify(v), "value " + v);
    }
  }

  private static Value value(Random random, int depth) {
    int kind = random.nextInt(depth > 0 ? 9 : 7);
    switch (kind) {
      case 0:
        return Value.NULL;
      case 1:
        return Value.of(random.nextBoolean());
      case 2:
        return new Value.Num(NUMBERS[random.nextInt(NUMBERS.length)]);
      case 3:
        return new Value.Num(random.nextGaussian() * Math.pow(10, random.nextInt(30) - 15));
      case 4:
        return new Value.Str(text(random));
      case 5:
        return new Value.DateValue(LocalDate.ofEpochDay(random.nextInt(100_000) - 30_000));
      case 6:
        return new Value.TimeValue(Instant.ofEpochMilli(random.nextLong() % 4_000_000_000_000L));
      case 7: {
        List<Value> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          items.add(value(random, depth - 1));
        }
        return new Value.ListValue(items);
      }
      default: {
        Map<String, Value> fields = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          fields.put(text(random), value(random, depth - 1));
        }
        return new Value.ObjectValue(fields);
      }
    }
  }

  private static String text(Random random) {
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(6); i > 0; i--) {
      s.append(CHARS.charAt(random.nextInt(CHARS.length())));
    }
    return s.toString();
  }
}
