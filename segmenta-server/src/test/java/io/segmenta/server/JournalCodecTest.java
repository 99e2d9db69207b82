package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Violation;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import io.segmenta.testkit.RandomShop;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The journal's record format. Checked-in records (golden/journal-record-v1.hex, -v2.hex) must decode to known
 * values and the known values must encode to the newest byte for byte, so a format change is a deliberate new
 * version that still reads the old ones (as Apache DataSketches pins its serialised sketches with files). Random batches round-trip, and no
 * damaged record makes the decoder do anything but throw an exception saying where it broke.
 */
class JournalCodecTest {

  /**
   * The values the golden records hold: every kind of value, the edges of instants and numbers, all sections;
   * version 1 had no extras and no violations.
   */
  static JournalRecord known(int version) {
    Map<String, Value> traits = new LinkedHashMap<>();
    traits.put("age", Value.of(41.5));
    traits.put("nickname", Value.of("Søren 山田 🐢 \u0000 end"));
    traits.put("vip", Value.of(true));
    traits.put("birth_date", Value.of(LocalDate.of(1969, 7, 20)));
    traits.put("signup_date", Value.of(Instant.parse("1901-12-13T20:45:52.123456Z")));
    traits.put("interests", Value.ofStrings(List.of("travel", "", "eco")));
    Map<String, Value> props = new LinkedHashMap<>();
    props.put("revenue", Value.of(-0.0));
    props.put("big", Value.of(Double.MAX_VALUE));
    props.put("tiny", Value.of(Double.MIN_VALUE));
    props.put("inf", Value.of(Double.POSITIVE_INFINITY));
    props.put("off", Value.of(false));
    props.put("at", Value.of(Instant.parse("2262-04-11T23:47:16.854775Z")));
    Map<String, Value> inner = new LinkedHashMap<>();
    inner.put("b", Value.ofList(List.of(Value.of(1), Value.NULL, Value.of("x"))));
    inner.put("a", new Value.ObjectValue(Map.of("deep", Value.of(LocalDate.of(-5, 1, 1)))));
    props.put("nested", new Value.ObjectValue(inner));
    List<OrderLine> lines = List.of(new OrderLine("sku-1", "Tea", "drinks", 2, 3.25, 0.5), new OrderLine("sku-2", null, null, 1, 0, 0));
    Map<String, Value> extras = new LinkedHashMap<>();
    if (version >= 2) {
      extras.put("properties.coupon", Value.of(42));
      extras.put("properties.Weird Key", Value.ofList(List.of(Value.of("a"), new Value.ObjectValue(Map.of("k", Value.of(true))))));
    }
    Event order = new Event("msg-1", "u-1", "anon-1", "order", Instant.parse("2025-06-01T12:00:00.000001Z"), props, lines, extras);
    Event view = new Event("msg-2", null, "anon-2", "page_view", Instant.parse("1970-01-01T00:00:00Z"),
        Map.of("url", Value.of("https://shop.example/?q=ä")), List.of());
    Profile p = new Profile("u-1", List.of(Identifier.email("A@Example.com"), new Identifier("anonymous_id", "anon-1")), traits);
    return new JournalRecord(version >= 2 ? "shop-web" : JournalRecord.DEFAULT_SOURCE,
        version >= 2 ? Instant.parse("2025-06-01T12:00:00.123456Z") : Instant.EPOCH,
        List.of(new TraitDef("nickname", ValueType.STRING, Family.CUSTOM, "declared by the tracking API on first use")),
        List.of(new PropertyDef("big", ValueType.NUMBER, ""), new PropertyDef("inf", ValueType.NUMBER, "x")),
        Map.of("big", List.of("order"), "inf", List.of("order", "return")),
        List.of(p, new Profile("u-2", List.of(), Map.of())), List.of(order, view),
        Map.of("u-1", List.of(new ConsentRecord(Purpose.PERSONALIZATION, true, Instant.parse("2025-06-01T12:00:00Z"), "tracking:msg-1"),
            new ConsentRecord(Purpose.EMAIL_MARKETING, false, Instant.parse("2025-06-01T12:00:00Z"), "tracking:msg-1"))),
        version >= 2 ? List.of(new Violation(3, "order", "properties.coupon", "string", "42"),
            new Violation(-1, "identify", "traits.age", "number", "山田🐢")) : List.of());
  }

  static byte[] golden(int version) throws IOException {
    try (InputStream in = JournalCodecTest.class.getResourceAsStream("/golden/journal-record-v" + version + ".hex")) {
      String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
      return HexFormat.of().parseHex(hex);
    }
  }

  static String hexLines(byte[] b) {
    String h = HexFormat.of().formatHex(b);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < h.length(); i += 64) {
      s.append(h, i, Math.min(h.length(), i + 64)).append('\n');
    }
    return s.toString();
  }

  @Test
  void decode_goldenVersion1GivesTheKnownValues() throws IOException {
    JournalRecord r = JournalCodec.decode(golden(1));
    assertEquals(known(1), r);
    assertEquals(Map.of(), r.events().get(0).extras());
    assertEquals(List.of(), r.violations());
    assertEquals(JournalRecord.DEFAULT_SOURCE, r.source());
  }

  @Test
  void decode_goldenVersion2GivesTheKnownValues() throws IOException {
    JournalRecord r = JournalCodec.decode(golden(2));
    assertEquals(known(2), r);
    assertEquals(List.of("properties.coupon", "properties.Weird Key"), List.copyOf(r.events().get(0).extras().keySet()));
    // Equality of records compares maps without order and numbers by value: check what equality cannot see.
    Event order = r.events().get(0);
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(((Value.Num) order.property("revenue")).value()));
    assertEquals(List.of("revenue", "big", "tiny", "inf", "off", "at", "nested"), List.copyOf(order.properties().keySet()));
    assertEquals("Søren 山田 🐢 \u0000 end", r.profiles().get(0).trait("nickname").toString());
    assertEquals(Instant.parse("1901-12-13T20:45:52.123456Z"), ((Value.TimeValue) r.profiles().get(0).trait("signup_date")).value());
  }

  @Test
  void encode_knownValuesGiveTheGoldenBytes() throws IOException {
    byte[] bytes = JournalCodec.encode(known(JournalCodec.VERSION));
    byte[] golden = golden(JournalCodec.VERSION);
    if (!Arrays.equals(golden, bytes)) {
      fail("the record format changed: give it a new version and keep reading the older ones; the bytes now are:\n" + hexLines(bytes));
    }
    assertArrayEquals(golden, bytes);
  }

  @Test
  void encode_randomShopBatchesRoundTrip() {
    for (long seed = 1; seed <= 20; seed++) {
      Batch b = new RandomShop(seed).data(40);
      SplittableRandom r = new SplittableRandom(seed);
      List<Event> events = new ArrayList<>();
      for (Event e : b.events()) {
        Map<String, Value> p = new LinkedHashMap<>(e.properties());
        p.put("extra", randomValue(r, 0));
        Map<String, Value> extras = r.nextInt(3) == 0 ? Map.of(randomText(r), randomValue(r, 0)) : Map.of();
        events.add(new Event(e.id(), r.nextBoolean() ? e.profileId() : null, "anon-" + e.id(), e.type(), randomInstant(r), p, e.lines(), extras));
      }
      JournalRecord rec = new JournalRecord("source-" + seed, randomInstant(r), List.of(), List.of(new PropertyDef("extra", ValueType.STRING, "random")),
          Map.of("extra", List.of("order", "page_view")), b.profiles(), events, Map.of(),
          List.of(new Violation((int) seed, "order", "properties." + randomText(r), "number", randomText(r))));
      byte[] bytes = JournalCodec.encode(rec);
      assertEquals(rec, JournalCodec.decode(bytes), "seed " + seed);
      assertArrayEquals(bytes, JournalCodec.encode(JournalCodec.decode(bytes)), "seed " + seed + ": encoding is deterministic");
    }
  }

  @Test
  void encode_loneSurrogateIsRefusedNamingWhere() {
    Event e = new Event("m\uD800x", "u", null, "order", Instant.EPOCH, Map.of(), List.of());
    JournalCodec.Unencodable x = assertThrows(JournalCodec.Unencodable.class,
        () -> JournalCodec.encode(new JournalRecord("default", Instant.EPOCH, List.of(), List.of(), Map.of(), List.of(), List.of(e), Map.of(), List.of())));
    assertTrue(x.getMessage().startsWith("events[0]: a text holds broken Unicode"), x.getMessage());
    Event f = new Event("ok", "u", null, "order", Instant.EPOCH, Map.of("name", Value.of("tail \uDC00")), List.of());
    x = assertThrows(JournalCodec.Unencodable.class,
        () -> JournalCodec.encode(new JournalRecord("default", Instant.EPOCH, List.of(), List.of(), Map.of(), List.of(), List.of(f), Map.of(), List.of())));
    assertTrue(x.getMessage().contains("events[0]"), x.getMessage());
  }

  @Test
  void wellFormed_replacesOnlyLoneSurrogates() {
    assertEquals("a\uFFFD", JournalRecord.wellFormed("a\uD83D"));
    assertEquals("\uFFFDb🐢", JournalRecord.wellFormed("\uDC22b🐢"));
    String ok = "山田 🐢";
    assertTrue(ok == JournalRecord.wellFormed(ok), "well-formed text is kept as it is");
  }

  @Test
  void encode_valueNestedTooDeepIsRefused() {
    Value v = Value.of(1);
    for (int i = 0; i < JournalCodec.MAX_DEPTH + 1; i++) {
      v = Value.ofList(List.of(v));
    }
    Event e = new Event("deep", "u", null, "order", Instant.EPOCH, Map.of("x", v), List.of());
    JournalCodec.Unencodable x = assertThrows(JournalCodec.Unencodable.class,
        () -> JournalCodec.encode(new JournalRecord("default", Instant.EPOCH, List.of(), List.of(), Map.of(), List.of(), List.of(e), Map.of(), List.of())));
    assertTrue(x.getMessage().contains("nested deeper than"), x.getMessage());
  }

  @Test
  void decode_damagedRecordsThrowOnlyRuntimeExceptions() throws IOException {
    byte[] good = golden(JournalCodec.VERSION);
    SplittableRandom r = new SplittableRandom(7);
    int decoded = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b;
      switch (i % 3) {
        case 0 -> b = Arrays.copyOf(good, r.nextInt(good.length));
        case 1 -> {
          b = good.clone();
          for (int k = 0; k < 1 + r.nextInt(4); k++) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
          }
        }
        default -> {
          b = new byte[r.nextInt(64)];
          r.nextBytes(b);
          if (b.length > 0) {
            b[0] = (byte) (1 + r.nextInt(2));
          }
        }
      }
      try {
        JournalCodec.decode(b);
        decoded++;
      } catch (RuntimeException expected) {
        // A damaged record is refused; the CRC of the journal's frame catches most damage before this.
      }
    }
    assertTrue(decoded < 20_000, "damage is noticed");
  }

  static Instant randomInstant(SplittableRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> Instant.ofEpochSecond(r.nextLong(-62_135_596_800L, 253_402_300_799L), r.nextInt(1_000_000) * 1000);
      case 1 -> Instant.ofEpochSecond(r.nextLong(-1_000_000_000L, 1_000_000_000L));
      case 2 -> Instant.parse("2025-01-01T00:00:00Z").plusNanos(r.nextLong(1_000_000_000_000L) * 1000);
      default -> Instant.EPOCH;
    };
  }

  static Value randomValue(SplittableRandom r, int depth) {
    int kind = r.nextInt(depth > 3 ? 6 : 8);
    return switch (kind) {
      case 0 -> Value.of(switch (r.nextInt(5)) {
        case 0 -> r.nextDouble() * 1e6 - 5e5;
        case 1 -> Double.longBitsToDouble(r.nextLong());
        case 2 -> Double.NaN;
        case 3 -> Double.NEGATIVE_INFINITY;
        default -> r.nextInt(100);
      });
      case 1 -> Value.of(randomText(r));
      case 2 -> Value.of(r.nextBoolean());
      case 3 -> Value.of(LocalDate.ofEpochDay(r.nextLong(-1_000_000, 1_000_000)));
      case 4 -> Value.of(randomInstant(r));
      case 5 -> Value.NULL;
      case 6 -> {
        List<Value> items = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          items.add(randomValue(r, depth + 1));
        }
        yield Value.ofList(items);
      }
      default -> {
        Map<String, Value> m = new LinkedHashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          m.put(randomText(r), randomValue(r, depth + 1));
        }
        yield new Value.ObjectValue(m);
      }
    };
  }

  static String randomText(SplittableRandom r) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(12); i > 0; i--) {
      int cp = switch (r.nextInt(4)) {
        case 0 -> r.nextInt(0x80);
        case 1 -> 0x4E00 + r.nextInt(0x5000);
        case 2 -> 0x1F300 + r.nextInt(0x300);
        default -> r.nextInt(0xD800);
      };
      s.appendCodePoint(cp);
    }
    return s.toString();
  }
}
