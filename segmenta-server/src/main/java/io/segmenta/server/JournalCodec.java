package io.segmenta.server;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Violation;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal's record format: a {@link JournalRecord} in a few bytes, every value with its type, so a replay reads
 * back exactly what was acknowledged and translates nothing. Why binary and typed: JSON cannot tell a date from a
 * text or an instant from a number without a convention, and its numbers lose -0.0, NaN and infinities; a tagged
 * binary layout with varint lengths (as Protocol Buffers encodes, https://protobuf.dev/programming-guides/encoding/,
 * with zig-zag for signed numbers) is exact, short and quick to write in the request thread.
 *
 * <p>Version 2, big-endian; a count or a length is an unsigned LEB128 varint, a signed number a zig-zag varint:
 * <pre>
 *   version (one byte: 2; the journal's older raw-body records start with '{' instead)
 *   source, received at (instant)
 *   traits      n × (name, type, family, description)
 *   properties  n × (name, type, description, m × event type)
 *   profiles    n × (id, m × (kind, value), traits: map)
 *   events      n × (id, profile id?, anonymous id?, type, instant, properties: map, m × line, extras: map)
 *     line      product id, name?, category?, quantity, unit price, discount (each double: 8 bytes IEEE 754)
 *   consents    n × (profile id, m × (purpose, granted: one byte, instant, source))
 *   violations  n × (message index: zig-zag, event type, field, expected, example)
 * </pre>
 * Version 1 is the same without source and time, the events' extras and violations; it reads as the default
 * source, received at the epoch (the time only dates violations, which version 1 has none of).
 * A text is its UTF-8 length and bytes (an optional one is 0 for none, else length + 1); a map is n × (name, value);
 * an instant is zig-zag seconds and nanoseconds; a value is a tag (0 null, 1 number, 2 text, 3 false, 4 true, 5 date
 * as zig-zag epoch day, 6 instant, 7 list: n × value, 8 object: map) and its content. Texts must be well-formed
 * Unicode: a lone surrogate cannot be written as UTF-8, so a request holding one is refused before it is journaled.
 * A format change gets a new version byte, and the reader keeps reading every older version; golden records in the
 * tests pin each version.
 *
 * <p>Over 500 lines: the writer and the reader of one binary format, with every version it can read, kept side by
 * side so that they cannot drift apart; the golden files pin both.
 */
final class JournalCodec {
  static final int VERSION = 2;
  /** Deeper values than this are refused: decoding must not run out of stack on anything that was written. */
  static final int MAX_DEPTH = 64;

  private static final int NULL = 0;
  private static final int NUM = 1;
  private static final int STR = 2;
  private static final int FALSE = 3;
  private static final int TRUE = 4;
  private static final int DATE = 5;
  private static final int TIME = 6;
  private static final int LIST = 7;
  private static final int OBJECT = 8;

  private JournalCodec() {}

  /** A record that cannot be written: the message names where, and is meant for the client. */
  static final class Unencodable extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Unencodable(String message) {
      super(message);
    }
  }

  /** Thrown inside a section; the section adds which item it was. */
  private static final class BadText extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadText(String message) {
      super(message, null, false, false);
    }
  }

  static byte[] encode(JournalRecord r) {
    Out o = new Out(256 + 256 * r.events().size());
    o.buf[o.len++] = (byte) VERSION;
    guarded("source", -1, () -> o.text(r.source()));
    o.instant(r.receivedAt());
    o.varint(r.traits().size());
    for (int i = 0; i < r.traits().size(); i++) {
      TraitDef t = r.traits().get(i);
      guarded("traits", i, () -> {
        o.text(t.name());
        o.text(t.type().label());
        o.text(t.family().name());
        o.text(t.description());
      });
    }
    o.varint(r.properties().size());
    for (int i = 0; i < r.properties().size(); i++) {
      PropertyDef p = r.properties().get(i);
      guarded("properties", i, () -> {
        o.text(p.name());
        o.text(p.type().label());
        o.text(p.description());
        List<String> types = r.propertyTypes().getOrDefault(p.name(), List.of());
        o.varint(types.size());
        types.forEach(o::text);
      });
    }
    o.varint(r.profiles().size());
    for (int i = 0; i < r.profiles().size(); i++) {
      Profile p = r.profiles().get(i);
      guarded("profiles", i, () -> {
        o.text(p.id());
        o.varint(p.identifiers().size());
        for (Identifier id : p.identifiers()) {
          o.text(id.kind());
          o.text(id.value());
        }
        o.map(p.traits(), 0);
      });
    }
    o.varint(r.events().size());
    for (int i = 0; i < r.events().size(); i++) {
      Event e = r.events().get(i);
      guarded("events", i, () -> {
        o.text(e.id());
        o.optional(e.profileId());
        o.optional(e.anonymousId());
        o.text(e.type());
        o.instant(e.timestamp());
        o.map(e.properties(), 0);
        o.varint(e.lines().size());
        for (OrderLine l : e.lines()) {
          o.text(l.productId());
          o.optional(l.productName());
          o.optional(l.category());
          o.number(l.quantity());
          o.number(l.unitPrice());
          o.number(l.discount());
        }
        o.map(e.extras(), 0);
      });
    }
    o.varint(r.consents().size());
    r.consents().forEach((id, choices) -> guarded("consents", -1, () -> {
      o.text(id);
      o.varint(choices.size());
      for (ConsentRecord c : choices) {
        o.text(c.purpose().name());
        o.buf(1);
        o.buf[o.len++] = (byte) (c.granted() ? 1 : 0);
        o.instant(c.at());
        o.text(c.source());
      }
    }));
    o.varint(r.violations().size());
    for (int i = 0; i < r.violations().size(); i++) {
      Violation v = r.violations().get(i);
      guarded("violations", i, () -> {
        o.zigzag(v.index());
        o.text(v.eventType());
        o.text(v.field());
        o.text(v.expected());
        o.text(v.example());
      });
    }
    return Arrays.copyOf(o.buf, o.len);
  }

  /** Runs {@code write}; a text it cannot write is refused, naming the section and the item's index (-1: none). */
  private static void guarded(String section, int index, Runnable write) {
    try {
      write.run();
    } catch (BadText e) {
      throw new Unencodable(section + (index >= 0 ? "[" + index + "]" : "") + ": " + e.getMessage());
    }
  }

  /** Reads a record of any version this reader knows; a malformed one throws, saying where it broke. */
  static JournalRecord decode(byte[] bytes) {
    In in = new In(bytes);
    int version = in.u8();
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("unknown journal record version " + version);
    }
    String source = version >= 2 ? in.text() : JournalRecord.DEFAULT_SOURCE;
    Instant receivedAt = version >= 2 ? in.instant() : Instant.EPOCH;
    int n = in.count();
    List<TraitDef> traits = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      traits.add(new TraitDef(in.text(), ValueType.parse(in.text()), Family.valueOf(in.text()), in.text()));
    }
    n = in.count();
    List<PropertyDef> properties = new ArrayList<>(n);
    Map<String, List<String>> types = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      PropertyDef p = new PropertyDef(in.text(), ValueType.parse(in.text()), in.text());
      properties.add(p);
      int m = in.count();
      List<String> t = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        t.add(in.text());
      }
      types.put(p.name(), t);
    }
    n = in.count();
    List<Profile> profiles = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = in.text();
      int m = in.count();
      List<Identifier> ids = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        ids.add(new Identifier(in.text(), in.text()));
      }
      profiles.add(new Profile(id, ids, in.map(0)));
    }
    n = in.count();
    List<Event> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = in.text();
      String profile = in.optional();
      String anonymous = in.optional();
      String type = in.text();
      Instant ts = in.instant();
      Map<String, Value> props = in.map(0);
      int m = in.count();
      List<OrderLine> lines = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        lines.add(new OrderLine(in.text(), in.optional(), in.optional(), in.number(), in.number(), in.number()));
      }
      Map<String, Value> extras = version >= 2 ? in.map(0) : Map.of();
      events.add(new Event(id, profile, anonymous, type, ts, props, lines, extras));
    }
    n = in.count();
    Map<String, List<ConsentRecord>> consents = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String id = in.text();
      int m = in.count();
      List<ConsentRecord> choices = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        Purpose purpose = Purpose.valueOf(in.text());
        boolean granted = in.u8() != 0;
        choices.add(new ConsentRecord(purpose, granted, in.instant(), in.text()));
      }
      consents.put(id, choices);
    }
    List<Violation> violations = new ArrayList<>();
    if (version >= 2) {
      n = in.count();
      for (int i = 0; i < n; i++) {
        long index = in.zigzag();
        if (index < Integer.MIN_VALUE || index > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("journal record has a violation of message " + index);
        }
        violations.add(new Violation((int) index, in.text(), in.text(), in.text(), in.text()));
      }
    }
    if (in.pos != bytes.length) {
      throw new IllegalArgumentException("journal record has " + (bytes.length - in.pos) + " bytes after its end");
    }
    return new JournalRecord(source, receivedAt, traits, properties, types, profiles, events, consents, violations);
  }

  /** A growing byte array; ByteArrayOutputStream would lock on every byte. */
  private static final class Out {
    byte[] buf;
    int len;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    void buf(int more) {
      if (len + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }

    void varint(long v) {
      buf(10);
      while ((v & ~0x7FL) != 0) {
        buf[len++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
    }

    void zigzag(long v) {
      varint((v << 1) ^ (v >> 63));
    }

    void number(double d) {
      buf(8);
      long bits = Double.doubleToRawLongBits(d);
      for (int s = 56; s >= 0; s -= 8) {
        buf[len++] = (byte) (bits >>> s);
      }
    }

    void text(String s) {
      utf8(s, 0);
    }

    void optional(String s) {
      if (s == null) {
        varint(0);
      } else {
        utf8(s, 1);
      }
    }

    /**
     * A text's UTF-8 length (plus {@code shift}) and bytes, in two passes over the chars and no allocation. Only
     * well-formed text: Java's own encoder would silently write '?' for a lone surrogate.
     */
    void utf8(String s, int shift) {
      int n = s.length();
      int size = 0;
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          size++;
        } else if (c < 0x800) {
          size += 2;
        } else if (!Character.isSurrogate(c)) {
          size += 3;
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          size += 4;
          i++;
        } else {
          throw new BadText("a text holds broken Unicode (a lone surrogate at position " + i + " of " + n + ")");
        }
      }
      varint(size + (long) shift);
      buf(size);
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          buf[len++] = (byte) c;
        } else if (c < 0x800) {
          buf[len++] = (byte) (0xC0 | (c >> 6));
          buf[len++] = (byte) (0x80 | (c & 0x3F));
        } else if (!Character.isSurrogate(c)) {
          buf[len++] = (byte) (0xE0 | (c >> 12));
          buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          buf[len++] = (byte) (0x80 | (c & 0x3F));
        } else {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          buf[len++] = (byte) (0xF0 | (cp >> 18));
          buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          buf[len++] = (byte) (0x80 | (cp & 0x3F));
        }
      }
    }

    void instant(Instant t) {
      zigzag(t.getEpochSecond());
      varint(t.getNano());
    }

    void map(Map<String, Value> m, int depth) {
      varint(m.size());
      for (Map.Entry<String, Value> e : m.entrySet()) {
        try {
          text(e.getKey());
        } catch (BadText b) {
          throw new BadText("a name: " + b.getMessage());
        }
        value(e.getValue(), depth);
      }
    }

    void value(Value v, int depth) {
      if (depth >= MAX_DEPTH) {
        throw new BadText("a value nested deeper than " + MAX_DEPTH + " levels");
      }
      buf(1);
      if (v instanceof Value.NullValue) {
        buf[len++] = NULL;
      } else if (v instanceof Value.Num x) {
        buf[len++] = NUM;
        number(x.value());
      } else if (v instanceof Value.Str x) {
        buf[len++] = STR;
        text(x.value());
      } else if (v instanceof Value.Bool x) {
        buf[len++] = (byte) (x.value() ? TRUE : FALSE);
      } else if (v instanceof Value.DateValue x) {
        buf[len++] = DATE;
        zigzag(x.value().toEpochDay());
      } else if (v instanceof Value.TimeValue x) {
        buf[len++] = TIME;
        instant(x.value());
      } else if (v instanceof Value.ListValue x) {
        buf[len++] = LIST;
        varint(x.items().size());
        for (Value i : x.items()) {
          value(i, depth + 1);
        }
      } else if (v instanceof Value.ObjectValue x) {
        buf[len++] = OBJECT;
        map(x.fields(), depth + 1);
      } else {
        throw new IllegalStateException("a value of an unknown kind: " + v.typeName());
      }
    }
  }

  private static final class In {
    final byte[] b;
    int pos;

    In(byte[] b) {
      this.b = b;
    }

    int u8() {
      need(1);
      return b[pos++] & 0xFF;
    }

    void need(int n) {
      if (n < 0 || pos + n > b.length) {
        throw new IllegalArgumentException("journal record ends early at byte " + pos + " of " + b.length);
      }
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int x = u8();
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("journal record has a varint longer than 10 bytes at byte " + pos);
    }

    /** A count or a length, which can be no larger than what is left (every item takes a byte at least). */
    int count() {
      long v = varint();
      if (v > b.length - pos) {
        throw new IllegalArgumentException("journal record claims " + v + " items with " + (b.length - pos) + " bytes left");
      }
      return (int) v;
    }

    long zigzag() {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    double number() {
      need(8);
      long bits = 0;
      for (int i = 0; i < 8; i++) {
        bits = (bits << 8) | (b[pos++] & 0xFF);
      }
      return Double.longBitsToDouble(bits);
    }

    String text() {
      int n = count();
      need(n);
      String s = new String(b, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    String optional() {
      long n = varint();
      if (n == 0) {
        return null;
      }
      if (n - 1 > b.length - pos) {
        throw new IllegalArgumentException("journal record claims a text of " + (n - 1) + " bytes with " + (b.length - pos) + " left");
      }
      String s = new String(b, pos, (int) (n - 1), StandardCharsets.UTF_8);
      pos += (int) (n - 1);
      return s;
    }

    Instant instant() {
      long seconds = zigzag();
      long nanos = varint();
      return Instant.ofEpochSecond(seconds, nanos);
    }

    Map<String, Value> map(int depth) {
      int n = count();
      Map<String, Value> m = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        m.put(text(), value(depth));
      }
      return m;
    }

    Value value(int depth) {
      if (depth >= MAX_DEPTH) {
        throw new IllegalArgumentException("journal record nests values deeper than " + MAX_DEPTH + " levels");
      }
      int tag = u8();
      return switch (tag) {
        case NULL -> Value.NULL;
        case NUM -> new Value.Num(number());
        case STR -> new Value.Str(text());
        case FALSE -> Value.Bool.FALSE;
        case TRUE -> Value.Bool.TRUE;
        case DATE -> new Value.DateValue(LocalDate.ofEpochDay(zigzag()));
        case TIME -> new Value.TimeValue(instant());
        case LIST -> {
          int n = count();
          List<Value> items = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            items.add(value(depth + 1));
          }
          yield new Value.ListValue(items);
        }
        case OBJECT -> new Value.ObjectValue(map(depth + 1));
        default -> throw new IllegalArgumentException("journal record has an unknown value tag " + tag + " at byte " + (pos - 1));
      };
    }
  }
}
