package io.segmenta.core.ingest.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.ingest.segment.SegmentSpec.Policy;
import io.segmenta.core.ingest.segment.SegmentSpec.Translation;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Violation;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Names;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What a Segment message becomes, field by field: accepted, kept in extras, or refused naming the field. */
class SegmentSpecTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.parse("2025-06-02T12:00:00Z");

  static Translation one(String type, String json) {
    return one(type, json, Policy.LENIENT, Schema.standard());
  }

  static Translation one(String type, String json, Policy policy, Schema schema) {
    try {
      return SegmentSpec.translate(List.of(JSON.readTree(json)), type, false, schema, NOW, policy);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Translation batch(String json) {
    try {
      List<JsonNode> ms = new ArrayList<>();
      JSON.readTree(json).forEach(ms::add);
      return SegmentSpec.translate(ms, null, true, Schema.standard(), NOW, Policy.LENIENT);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Event event(Translation t) {
    assertTrue(t.ok(), t.problems().toString());
    assertEquals(1, t.events().size(), t.events().toString());
    return t.events().get(0);
  }

  static String problems(Translation t) {
    assertFalse(t.ok(), "expected a problem");
    return t.problems().toString();
  }

  /** A schema with whatever a translation declared, as the store would have it afterwards. */
  static Schema declared(Schema s, Translation t) {
    for (TraitDef d : t.newTraits()) {
      s = s.withTrait(d);
    }
    for (Map.Entry<String, PropertyDef> p : t.newProperties().entrySet()) {
      s = s.withProperty(p.getValue());
      for (String type : t.newPropertyTypes().get(p.getKey())) {
        s = s.withEventType(new EventTypeDef(type, List.of(p.getKey()), false, "declared"));
      }
    }
    return s;
  }

  @Nested
  class Accepted {
    @Test
    void translate_customEventKeepsItsNameAfterItsTypeIsDeclared() {
      String msg = "{\"userId\": \"u\", \"event\": \"Signed Up\"}";
      Translation first = one("track", msg);
      assertEquals(new Value.Str("Signed Up"), event(first).property("event_name"));
      Event second = event(one("track", msg, Policy.LENIENT, declared(Schema.standard(), first)));
      assertEquals("signed_up", second.type());
      assertEquals(new Value.Str("Signed Up"), second.property("event_name"), "the second time too");
    }

    @Test
    void translate_productsOnAnOrderBecomeLines() {
      Event e = event(one("track", "{\"userId\": \"u\", \"event\": \"Order Completed\", \"properties\": {\"order_id\": \"o1\","
          + " \"products\": [{\"product_id\": \"p1\", \"price\": 10, \"quantity\": 2}, {\"sku\": \"s2\", \"price\": \"5.5\"}]}}"));
      assertEquals("order", e.type());
      assertEquals(2, e.lines().size());
      assertEquals(25.5, ((Value.Num) e.property("revenue")).value(), 1e-9);
      assertFalse(e.extras().containsKey("properties.products"), "a product holding only line fields is all in the lines");
    }

    @Test
    void translate_productFieldsALineHasNoPlaceForAreKept() {
      Event e = event(one("track", "{\"userId\": \"u\", \"event\": \"Order Completed\", \"properties\": {"
          + " \"products\": [{\"product_id\": \"p1\", \"price\": 10, \"brand\": \"Acme\", \"image_url\": \"https://x/i.png\"}]}}"));
      assertEquals(1, e.lines().size());
      Value.ListValue kept = (Value.ListValue) e.extras().get("properties.products");
      assertEquals(new Value.Str("Acme"), ((Value.ObjectValue) kept.items().get(0)).fields().get("brand"));
    }

    @Test
    void translate_productsOnEveryOtherEcommerceEventAreKept() {
      for (String name : List.of("Cart Viewed", "Checkout Started", "Product List Viewed", "Product Added", "Order Refunded",
          "Products Searched", "Checkout Step Completed", "Product Added to Wishlist")) {
        Event e = event(one("track", "{\"userId\": \"u\", \"event\": \"" + name + "\", \"properties\": {\"cart_id\": \"c1\","
            + " \"products\": [{\"product_id\": \"p1\", \"price\": 10}, {\"product_id\": \"p2\"}]}}"));
        assertTrue(e.lines().isEmpty(), name);
        assertEquals(2, ((Value.ListValue) e.extras().get("properties.products")).items().size(), name);
      }
    }

    @Test
    void translate_arraysOfNumbersAreKeptInExtras() {
      Event e = event(one("track", "{\"userId\": \"u\", \"event\": \"Rated\", \"properties\": {\"scores\": [1, 2.5, 3], \"tags\": [\"a\"]}}"));
      assertEquals(Value.ofList(List.of(Value.of(1), Value.of(2.5), Value.of(3))), e.extras().get("properties.scores"));
      assertEquals(Value.ofStrings(List.of("a")), e.extras().get("properties.tags"), "an event property cannot be a list");
      Translation t = one("identify", "{\"userId\": \"u\", \"messageId\": \"i1\", \"traits\": {\"lucky\": [7, 13], \"hobbies\": [\"chess\"]}}");
      assertEquals(Value.ofStrings(List.of("chess")), t.profiles().get(0).trait("hobbies"), "a trait can be a list of text");
      assertEquals(Value.ofList(List.of(Value.of(7), Value.of(13))), event(t).extras().get("traits.lucky"));
      assertEquals("identify", event(t).type());
    }

    @Test
    void translate_nestedObjectsFlattenThreeLevelsAndKeepTheRest() {
      Event e = event(one("track", "{\"userId\": \"u\", \"event\": \"Deep\", \"properties\": {\"a\": {\"b\": {\"c\": 1, \"d\": {\"e\": {\"f\": 2}}}}}}"));
      assertEquals(Value.of(1), e.property("a_b_c"));
      assertEquals(new Value.ObjectValue(Map.of("f", Value.of(2))), e.extras().get("properties.a.b.d.e"), "a fourth level of objects is kept whole");
    }

    @Test
    void translate_identifyWithOnlyAnAnonymousIdKeepsTraitsOnTheVisitor() {
      Translation t = one("identify", "{\"anonymousId\": \"anon-1\", \"messageId\": \"i1\", \"traits\": {\"city\": \"Odense\", \"email\": \"v@example.com\"}}");
      assertTrue(t.ok(), t.problems().toString());
      Profile p = t.profiles().get(0);
      assertEquals("anon-1", p.id());
      assertEquals(new Value.Str("Odense"), p.trait("city"));
      assertTrue(p.identifiers().isEmpty(), "a visitor's e-mail must not merge a customer into the visitor");
      assertEquals(new Value.Str("v@example.com"), event(t).extras().get("traits.email"), "kept, not dropped");
    }

    @Test
    void translate_anonymousIdentifyWithoutTraitsMakesNoProfile() {
      Translation t = one("identify", "{\"anonymousId\": \"anon-2\", \"traits\": {}}");
      assertTrue(t.ok() && t.profiles().isEmpty() && t.events().isEmpty(), t.toString());
      t = one("identify", "{\"anonymousId\": \"anon-2\", \"messageId\": \"i2\", \"traits\": {\"email\": \"v@example.com\"}}");
      assertTrue(t.profiles().isEmpty(), "an e-mail alone is kept, not a trait");
      assertEquals("anon-2", event(t).anonymousId());
    }

    @Test
    void translate_dateOnlyTimestampIsMidnightUtc() {
      Event e = event(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"timestamp\": \"2025-06-01\"}"));
      assertEquals(Instant.parse("2025-06-01T00:00:00Z"), e.timestamp());
    }

    @Test
    void translate_originalTimestampIsCorrectedBySentAt() {
      Event e = event(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"originalTimestamp\": \"2025-06-02T11:00:00Z\","
          + " \"sentAt\": \"2025-06-02T11:30:00Z\"}"));
      assertEquals(Instant.parse("2025-06-02T11:30:00Z"), e.timestamp(), "the device's clock is 30 minutes behind");
    }
  }

  @Nested
  class Lenient {
    @Test
    void translate_clashingValueIsKeptAndCounted() {
      Translation t = batch("[{\"type\": \"track\", \"userId\": \"u\", \"event\": \"Order Completed\", \"properties\": {\"revenue\": \"lots\", \"currency\": \"EUR\"}},"
          + " {\"type\": \"track\", \"userId\": \"u\", \"event\": \"Order Completed\", \"properties\": {\"revenue\": 12}}]");
      assertTrue(t.ok(), t.problems().toString());
      assertEquals(2, t.events().size(), "one field never costs the batch");
      Event first = t.events().get(0);
      assertEquals(new Value.Str("EUR"), first.property("currency"), "what fits is stored");
      assertEquals(Value.NULL, first.property("revenue"));
      assertEquals(new Value.Str("lots"), first.extras().get("properties.revenue"));
      assertEquals(List.of(new Violation(0, "order", "properties.revenue", "number", "'lots'")), t.violations());
    }

    @Test
    void translate_clashingTraitIsKeptOnAnIdentifyEvent() {
      Translation t = one("identify", "{\"userId\": \"u\", \"messageId\": \"m1\", \"traits\": {\"age\": \"old\", \"city\": \"Aarhus\"}}");
      assertEquals(new Value.Str("Aarhus"), t.profiles().get(0).trait("city"));
      Event e = event(t);
      assertEquals("m1", e.id());
      assertEquals(new Value.Str("old"), e.extras().get("traits.age"));
      assertEquals("identify", t.violations().get(0).eventType());
    }

    @Test
    void translate_strictPolicyRefusesTheClashNamingTheField() {
      Translation t = one("identify", "{\"userId\": \"u\", \"traits\": {\"age\": \"old\"}}", Policy.STRICT, Schema.standard());
      assertTrue(problems(t).startsWith("[traits.age: is declared as number"), problems(t));
      assertTrue(t.violations().isEmpty());
    }

    @Test
    void translate_computedTraitIsKeptNotSet() {
      Translation t = one("identify", "{\"userId\": \"u\", \"traits\": {\"orders\": 5}}");
      assertEquals(Value.NULL, t.profiles().get(0).trait("orders"));
      assertEquals(Value.of(5), event(t).extras().get("traits.orders"));
      assertTrue(problems(one("identify", "{\"userId\": \"u\", \"traits\": {\"orders\": 5}}", Policy.STRICT, Schema.standard())).contains("computed"));
    }

    @Test
    void translate_namesDifferingOnlyByCaseOrUnderscoresKeepTheSecondInExtras() {
      Event e = event(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"orderId\": \"a\", \"order_id\": \"b\", \"ORDER__ID\": \"c\"}}"));
      assertEquals(new Value.Str("a"), e.property("order_id"));
      assertEquals(new Value.Str("b"), e.extras().get("properties.order_id"));
      assertTrue(problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"orderId\": \"a\", \"order_id\": \"b\"}}",
          Policy.STRICT, Schema.standard())).contains("properties.order_id: maps to the property 'order_id' as properties.orderId does"));
    }
  }

  @Nested
  class Kept {
    @Test
    void translate_pageKeepsNameCategoryTitlePathSearchAndCustomProperties() {
      Event e = event(one("page", "{\"anonymousId\": \"a\", \"name\": \"Home\", \"category\": \"Landing\", \"properties\": {\"title\": \"Welcome\","
          + " \"path\": \"/\", \"search\": \"?q=1\", \"url\": \"https://shop.example/?q=1\", \"ab_group\": \"b\"},"
          + " \"context\": {\"page\": {\"referrer\": \"https://google.com/\"}, \"ip\": \"1.2.3.4\", \"library\": {\"name\": \"x\"}, \"locale\": \"da-DK\"}}"));
      assertEquals("page_view", e.type());
      for (Map.Entry<String, String> x : Map.of("page_name", "Home", "page_category", "Landing", "title", "Welcome", "path", "/", "search", "?q=1",
          "ab_group", "b", "referrer", "https://google.com/", "traffic_source", "organic").entrySet()) {
        assertEquals(new Value.Str(x.getValue()), e.property(x.getKey()), x.getKey());
      }
      Value.ObjectValue ctx = (Value.ObjectValue) e.extras().get("context");
      assertEquals(new Value.Str("da-DK"), ctx.fields().get("locale"));
      assertFalse(ctx.fields().containsKey("ip") || ctx.fields().containsKey("library"), "documented as not stored");
    }

    @Test
    void translate_screenKeepsItsProperties() {
      Event e = event(one("screen", "{\"userId\": \"u\", \"name\": \"Basket\", \"properties\": {\"items_shown\": 3}}"));
      assertEquals(new Value.Str("Basket"), e.property("screen_name"));
      assertEquals(Value.of(3), e.property("items_shown"));
    }

    @Test
    void translate_groupKeepsItsTraits() {
      Event e = event(one("group", "{\"userId\": \"u\", \"groupId\": \"g1\", \"traits\": {\"name\": \"Acme\", \"employees\": 40, \"industry\": \"Retail\"}}"));
      assertEquals(new Value.Str("g1"), e.property("group_id"));
      assertEquals(new Value.Str("Acme"), e.property("group_name"));
      assertEquals(Value.of(40), e.property("employees"));
    }
  }

  @Nested
  class Naming {
    String mapped(String raw) {
      Translation t = one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": " + JSON.createObjectNode().put(raw, "v") + "}");
      Event e = event(t);
      return e.properties().keySet().stream().filter(k -> !k.equals("event_name")).findFirst().orElseThrow();
    }

    @Test
    void translate_reservedWordsGetATrailingUnderscore() {
      for (String w : List.of("seq", "id", "type", "timestamp", "select", "order", "group", "ts", "pkey", "event_id", "extras", "segment")) {
        assertEquals(w + "_", mapped(w), w);
      }
      assertEquals("type_", mapped("Type"), "mixed case maps as lower case");
    }

    @Test
    void translate_namesMapByTheDocumentedRule() {
      assertEquals("n_123", mapped("123"));
      assertEquals("order_id", mapped("orderId"));
      assertEquals("u4ef7_u683c", mapped("价格"));
      assertEquals("cafe_menu", mapped("Café Menu"));
      String longName = mapped("x".repeat(200));
      assertEquals(63, longName.length());
      assertTrue(Names.isValid(longName), longName);
      assertEquals(longName, mapped("x".repeat(200)), "deterministic");
    }

    @Test
    void translate_overlongOrBrokenNameIsRefusedNamingTheField() {
      String p = problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"" + "y".repeat(10_000) + "\": 1}}"));
      assertTrue(p.contains("a name is at most 256 characters, got 10000"), p);
      p = problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"a\\u0000b\": 1}}"));
      assertTrue(p.contains("properties.a\\u0000b: a name must not contain the control character U+0000"), p);
      p = problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"!!!\": 1}}"));
      assertTrue(p.contains("properties.!!!: the name '!!!' has no letters or digits"), p);
    }

    @Test
    void translate_namesAlreadyDeclaredKeepTheirName() {
      Schema s = Schema.standard().withProperty(new PropertyDef("id", ValueType.STRING, "declared by an older version"));
      Event e = event(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"id\": \"v\"}}", Policy.LENIENT, s));
      assertEquals(new Value.Str("v"), e.property("id"));
      Translation t = one("identify", "{\"userId\": \"u\", \"traits\": {\"values\": [\"green\"]}}");
      assertEquals(Value.ofStrings(List.of("green")), t.profiles().get(0).trait("values"), "a standard trait keeps its name");
    }

    @Test
    void translate_schemaGrowthIsLimited() {
      StringBuilder props = new StringBuilder("{");
      for (int i = 0; i < 60; i++) {
        props.append(i == 0 ? "" : ",").append("\"p").append(i).append("\": 1");
      }
      String p = problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": " + props + "}}"));
      assertTrue(p.contains("a request may add at most 50 new names"), p);
      Policy small = new Policy(false, 100, 3, 1000, 500);
      p = problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}}", small, Schema.standard()));
      assertTrue(p.contains("properties.d: an event type has at most 3 properties"), p);
      Policy fewTraits = new Policy(false, 100, 200, 1000, Schema.standard().traits().size() + 1);
      p = problems(one("identify", "{\"userId\": \"u\", \"traits\": {\"a\": 1, \"b\": 2}}", fewTraits, Schema.standard()));
      assertTrue(p.contains("traits.b: the schema holds at most"), p);
    }
  }

  @Nested
  class Refused {
    @Test
    void translate_instantsOutsideTheRangeAreRefusedNamingTheField() {
      assertTrue(problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"timestamp\": \"+300000-01-01T00:00:00Z\"}"))
          .contains("timestamp: expected an instant between 1900-01-01T00:00:00Z and 2199-12-31T23:59:59Z"));
      assertTrue(problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"sentAt\": \"1899-12-31T23:59:59Z\"}")).contains("sentAt: "));
      assertTrue(problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"originalTimestamp\": \"2200-01-01T00:00:00Z\"}")).contains("originalTimestamp: "));
      assertTrue(problems(one("identify", "{\"userId\": \"u\", \"traits\": {\"birth_date\": \"0200-01-01\"}}")).contains("traits.birth_date: expected a date between"));
      assertTrue(problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"due\": \"9999-01-01T00:00:00Z\"}}")).contains("properties.due: expected an instant"));
      assertTrue(problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"timestamp\": \"2199-12-31T23:00:00Z\", \"sentAt\": \"2025-06-01T00:00:00Z\"}"))
          .contains("timestamp: corrected by sentAt"), "the correction must not leave the range either");
      Event edge = event(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"timestamp\": \"2199-12-31T23:59:59.999999Z\"}"));
      assertEquals(Instant.parse("2199-12-31T23:59:59.999999Z"), edge.timestamp());
    }

    @Test
    void translate_numbersADoubleCannotHoldAreRefused() {
      assertTrue(problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"n\": 1e400}}")).contains("properties.n: expected a number a double can hold"));
      assertTrue(problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"n\": " + "9".repeat(400) + "}}")).contains("properties.n: "));
      Translation t = one("track", "{\"userId\": \"u\", \"event\": \"Order Completed\", \"properties\": {\"revenue\": \"NaN\"}}");
      assertEquals(new Value.Str("NaN"), event(t).extras().get("properties.revenue"), "NaN is not a number: kept as what it is");
    }

    @Test
    void translate_idsWithNulControlCharactersOrBrokenUnicodeAreRefused() {
      for (String field : List.of("userId", "anonymousId", "messageId")) {
        String p = problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"" + field + "\": \"a\\u0000b\"}"));
        assertTrue(p.contains(field + ": must not contain the control character U+0000"), p);
        p = problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"" + field + "\": \"a\\ud800b\"}"));
        assertTrue(p.contains(field + ": must not contain a lone surrogate"), p);
      }
      assertTrue(problems(one("alias", "{\"userId\": \"u\", \"previousId\": \"a\\u0007\"}")).contains("previousId: must not contain"));
      assertTrue(problems(one("group", "{\"userId\": \"u\", \"groupId\": \"a\\u001f\"}")).contains("groupId: must not contain"));
      assertTrue(problems(one("track", "{\"userId\": \"u\", \"event\": \"Order Completed\", \"properties\": {\"products\": [{\"product_id\": \"p\\u0000\", \"price\": 1}]}}"))
          .contains("properties.products[0].product_id: must not contain"));
      assertTrue(problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": {\"note\": \"bad \\udc00\"}}")).contains("properties.note: must not contain a lone surrogate"));
    }

    @Test
    void translate_deepNestingIsRefusedNotAStackOverflow() {
      String deep = "{\"a\": ".repeat(500) + "1" + "}".repeat(500);
      String p = problems(one("track", "{\"userId\": \"u\", \"event\": \"X\", \"properties\": " + deep + "}"));
      assertTrue(p.contains("nested more than 64 levels deep"), p);
    }

    @Test
    void translate_everyProblemNamesItsMessageInABatch() {
      Translation t = batch("[{\"type\": \"track\", \"userId\": \"u\", \"event\": \"X\"}, {\"type\": \"track\", \"userId\": \"u\", \"event\": \"X\", \"timestamp\": \"never\"}]");
      assertEquals("[batch[1].timestamp: expected an ISO-8601 date-time such as 2025-06-01T12:00:00.000Z, got 'never']", problems(t));
      assertNotNull(t.events());
    }
  }

  @Test
  void translate_customerAndVisitorStayApartUntilLinked() {
    Translation t = batch("[{\"type\": \"identify\", \"userId\": \"u-1\", \"anonymousId\": \"anon-1\", \"traits\": {\"email\": \"A@x.io\"}}]");
    assertEquals(List.of(Identifier.email("a@x.io"), new Identifier("anonymous_id", "anon-1")), t.profiles().get(0).identifiers());
  }
}
