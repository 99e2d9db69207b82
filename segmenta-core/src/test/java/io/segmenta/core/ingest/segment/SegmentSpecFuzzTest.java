package io.segmenta.core.ingest.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.ingest.segment.SegmentSpec.Policy;
import io.segmenta.core.ingest.segment.SegmentSpec.Translation;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Profile;
import io.segmenta.core.schema.Names;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.value.Instants;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hostile Segment messages from a seed (random trees of hostile names and values, and mutations of valid
 * messages): {@link SegmentSpec#translate} never throws, only reports problems or violations, and whatever it
 * accepts is safe to store: valid unreserved names, finite numbers, instants and dates in range, ids without control
 * characters, extras that serialise as JSON, declarations the schema takes.
 */
class SegmentSpecFuzzTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Instant NOW = Instant.parse("2025-06-02T12:00:00Z");
  private static final String[] NAMES = {"seq", "id", "type", "timestamp", "select", "order", "group", "123", "Price", "price",
      "PRICE", "pr_ice", "价格", "revenue", "orderId", "order_id", "email", "phone", "age", "birth_date", "signup_date", "orders",
      "values", "products", "name", "category", "url", "a\u0000b", "a\ud800", "\u0007", "", " ", "__", "x".repeat(300),
      "y".repeat(70), "Café", "ß", "segment", "pkey", "extras", "event_id", "$date", "address", "interests", "createdAt"};
  /** Declared names: their values clash with their types often. */
  private static final String[] DECLARED = {"revenue", "currency", "age", "birth_date", "signup_date", "orders", "order_id", "price",
      "city", "interests", "has_children", "quantity", "discount", "url"};
  private static final String[] TEXTS = {"", " ", "abc", "NaN", "Infinity", "-0", "1e400", "12.5", "true", "2025-06-01",
      "2025-06-01T12:00:00Z", "+300000-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2199-12-31T23:59:59.999999Z",
      "2200-01-01T00:00:00Z", "0000-01-01", "9999-12-31", "2025-13-45", "a\u0000b", "bad\udc00", "\u202e", "x".repeat(5000),
      "价格", "yes", "no", "1", "a|b|c"};
  private static final String[] EVENTS = {"Order Completed", "Order Refunded", "Product Viewed", "Product Added", "Cart Viewed",
      "Checkout Started", "Signed Up", "select", "Segment", "123", "!!!", "价格", "x".repeat(300), "a\u0000", "Experiment Viewed"};
  private static final String[] TYPES = {"identify", "track", "page", "screen", "group", "alias", "bogus"};

  @Test
  void translate_neverThrowsAndAcceptsOnlyWhatIsSafe() {
    SplittableRandom r = new SplittableRandom(20251205);
    int accepted = 0;
    int refused = 0;
    int violations = 0;
    for (int i = 0; i < 1_000; i++) {
      List<JsonNode> batch = new ArrayList<>();
      int n = 1 + r.nextInt(2);
      for (int k = 0; k < n; k++) {
        batch.add(r.nextInt(3) == 0 ? message(r) : mutate(r, valid(r)));
      }
      for (Policy policy : List.of(Policy.LENIENT, Policy.STRICT)) {
        Translation t;
        try {
          t = SegmentSpec.translate(batch, null, true, Schema.standard(), NOW, policy);
        } catch (RuntimeException e) {
          throw new AssertionError("seed case " + i + " threw " + e + " on " + shorten(batch.toString()), e);
        }
        if (t.ok()) {
          accepted++;
          check(t, batch);
        } else {
          refused++;
          t.problems().forEach(p -> assertFalse(p.field().isEmpty() || p.message().isEmpty(), p.toString()));
        }
        if (policy.strict()) {
          assertTrue(t.violations().isEmpty(), "strict keeps nothing in extras as a violation");
        }
        violations += t.violations().size();
      }
    }
    assertTrue(accepted > 300 && refused > 300 && violations > 10,
        "the fuzzer should exercise every outcome, got " + accepted + " accepted, " + refused + " refused, " + violations + " violations");
  }

  /** What a store would be given: every name, value, instant and declaration safe. */
  private static void check(Translation t, List<JsonNode> batch) {
    String where = shorten(batch.toString());
    Schema s = Schema.standard();
    try {
      s = SegmentSpecTest.declared(s, t);
    } catch (RuntimeException e) {
      fail("the declarations do not fit the schema: " + e + " for " + where);
    }
    for (Event e : t.events()) {
      assertTrue(Instants.accepts(e.timestamp()), e.timestamp() + " in " + where);
      assertTrue(s.eventType(e.type()).isPresent(), e.type() + " in " + where);
      assertId(e.id(), where);
      assertId(e.profileId(), where);
      assertId(e.anonymousId(), where);
      for (Map.Entry<String, Value> p : e.properties().entrySet()) {
        assertTrue(Names.isValid(p.getKey()) && s.property(p.getKey()).isPresent(), p.getKey() + " in " + where);
        assertTrue(s.property(p.getKey()).orElseThrow().type().accepts(p.getValue()), p + " in " + where);
        assertSafe(p.getValue(), where);
      }
      e.lines().forEach(l -> assertId(l.productId(), where));
      e.extras().values().forEach(v -> assertSafe(v, where));
      Value extras = new Value.ObjectValue(e.extras());
      assertEquals(extras, JsonValues.fromJson(JsonValues.toJson(extras)), "extras survive JSON in " + where);
    }
    for (Profile p : t.profiles()) {
      assertId(p.id(), where);
      for (Map.Entry<String, Value> x : p.traits().entrySet()) {
        assertTrue(Names.isValid(x.getKey()) && s.trait(x.getKey()).orElseThrow().type().accepts(x.getValue()), x + " in " + where);
        assertSafe(x.getValue(), where);
      }
    }
  }

  private static void assertId(String id, String where) {
    if (id != null) {
      assertTrue(Names.badCharacter(id) == null && id.length() <= Messages.ID_LIMIT, "id '" + shorten(id) + "' in " + where);
    }
  }

  private static void assertSafe(Value v, String where) {
    if (v instanceof Value.Num n) {
      assertTrue(Double.isFinite(n.value()), n + " in " + where);
    } else if (v instanceof Value.TimeValue t) {
      assertTrue(Instants.accepts(t.value()), t + " in " + where);
    } else if (v instanceof Value.DateValue d) {
      assertTrue(Instants.accepts(d.value()), d + " in " + where);
    } else if (v instanceof Value.Str s) {
      assertTrue(s.value().indexOf('\0') < 0, "NUL in " + where);
    } else if (v instanceof Value.ListValue l) {
      l.items().forEach(x -> assertSafe(x, where));
    } else if (v instanceof Value.ObjectValue o) {
      o.fields().values().forEach(x -> assertSafe(x, where));
    }
  }

  private static ObjectNode valid(SplittableRandom r) {
    ObjectNode m = F.objectNode().put("type", "track").put("userId", "u-" + r.nextInt(5)).put("messageId", "m-" + r.nextInt(1000))
        .put("event", "Order Completed").put("timestamp", "2025-06-01T12:00:00Z");
    ObjectNode p = m.putObject("properties").put("order_id", "o-1").put("revenue", 12.5).put("currency", "EUR");
    p.putArray("products").addObject().put("product_id", "p-1").put("price", 5).put("quantity", 2);
    m.putObject("context").putObject("page").put("url", "https://shop.example/").put("referrer", "https://google.com/");
    if (r.nextBoolean()) {
      m.put("type", TYPES[r.nextInt(TYPES.length - 1)]).put("groupId", "g-" + r.nextInt(5)).put("previousId", "a-1").put("name", "Home");
      m.putObject("traits").put("email", "a@example.com").put("age", 30).put("city", "Aarhus");
    }
    return m;
  }

  private static JsonNode mutate(SplittableRandom r, ObjectNode m) {
    List<String> fields = new ArrayList<>();
    m.fieldNames().forEachRemaining(fields::add);
    for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) {
      String f = r.nextInt(3) > 0 ? (m.has("traits") ? "traits" : "properties") : fields.get(r.nextInt(fields.size()));
      switch (r.nextInt(6)) {
        case 0 -> m.remove(f);
        case 1 -> m.set(f, value(r, 0));
        case 2, 3, 4 -> {
          JsonNode x = m.get(f);
          if (x instanceof ObjectNode o) {
            o.set(r.nextBoolean() ? DECLARED[r.nextInt(DECLARED.length)] : NAMES[r.nextInt(NAMES.length)], value(r, 0));
          }
        }
        default -> m.set(NAMES[r.nextInt(NAMES.length)], value(r, 0));
      }
    }
    return m;
  }

  private static JsonNode message(SplittableRandom r) {
    ObjectNode m = F.objectNode();
    if (r.nextInt(10) > 0) {
      m.put("type", TYPES[r.nextInt(TYPES.length)]);
    }
    for (String id : List.of("userId", "anonymousId", "messageId", "previousId", "groupId")) {
      if (r.nextInt(3) > 0) {
        m.set(id, r.nextInt(4) == 0 ? value(r, 2) : F.textNode(r.nextInt(5) == 0 ? TEXTS[r.nextInt(TEXTS.length)] : id + r.nextInt(9)));
      }
    }
    for (String t : List.of("timestamp", "sentAt", "originalTimestamp")) {
      if (r.nextInt(3) == 0) {
        m.set(t, r.nextInt(5) == 0 ? value(r, 2) : F.textNode(TEXTS[r.nextInt(TEXTS.length)]));
      }
    }
    m.put("event", EVENTS[r.nextInt(EVENTS.length)]);
    if (r.nextBoolean()) {
      m.put("name", TEXTS[r.nextInt(TEXTS.length)]);
    }
    m.set(r.nextBoolean() ? "properties" : "traits", object(r, 0));
    if (r.nextInt(3) == 0) {
      ArrayNode products = ((ObjectNode) m.with("properties")).putArray("products");
      for (int k = 0, n = r.nextInt(4); k < n; k++) {
        products.add(r.nextInt(4) == 0 ? value(r, 1) : object(r, 1));
      }
    }
    if (r.nextInt(3) == 0) {
      m.set("context", object(r, 1));
    }
    return m;
  }

  private static ObjectNode object(SplittableRandom r, int depth) {
    ObjectNode o = F.objectNode();
    for (int k = 0, n = r.nextInt(6); k < n; k++) {
      o.set(NAMES[r.nextInt(NAMES.length)], value(r, depth + 1));
    }
    return o;
  }

  private static JsonNode value(SplittableRandom r, int depth) {
    int kind = r.nextInt(depth > 5 ? 9 : 12);
    return switch (kind) {
      case 0 -> F.textNode(TEXTS[r.nextInt(TEXTS.length)]);
      case 1 -> F.numberNode(r.nextInt(2000) - 1000);
      case 2 -> F.numberNode(new double[] {Double.POSITIVE_INFINITY, Double.NaN, -0.0, 1e308, Double.MIN_VALUE, 12.5}[r.nextInt(6)]);
      case 3 -> F.numberNode(new BigInteger("9".repeat(1 + r.nextInt(400))));
      case 4 -> F.numberNode(new BigDecimal("1e" + (r.nextInt(800) - 400)));
      case 5 -> F.booleanNode(r.nextBoolean());
      case 6 -> F.nullNode();
      case 7 -> F.objectNode().put("$date", TEXTS[r.nextInt(TEXTS.length)]);
      case 8 -> F.textNode(TEXTS[8 + r.nextInt(7)]);
      case 9 -> {
        ArrayNode a = F.arrayNode();
        for (int k = 0, n = r.nextInt(4); k < n; k++) {
          a.add(value(r, depth + 1));
        }
        yield a;
      }
      case 10 -> deep(r.nextInt(3) == 0 ? 100 : 4);
      default -> object(r, depth);
    };
  }

  private static JsonNode deep(int levels) {
    JsonNode n = F.numberNode(1);
    for (int i = 0; i < levels; i++) {
      n = F.objectNode().set("a", n);
    }
    return n;
  }

  private static String shorten(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
