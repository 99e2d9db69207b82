package io.segmenta.core.ingest;

import static io.segmenta.core.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Violation;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.JsonValues;
import io.segmenta.core.value.Value;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates messages of Segment's tracking spec (identify, track, page, screen, group, alias; the HTTP Tracking API
 * and every Segment client library speak it) into Segmenta's profiles and events, checking every field first. Each
 * problem names the message (its index in a batch) and the field. Nothing is dropped silently:
 * <ul>
 *   <li>the e-commerce spec's events become Segmenta's types ({@code Order Completed} → order with lines,
 *       {@code Order Refunded} / {@code Order Cancelled} → return, {@code Product Viewed} → product_view,
 *       {@code Product Added} → add_to_cart, {@code Experiment Viewed} → experiment_viewed, e-mail events →
 *       email_*); any other name becomes a custom event type in snake_case ({@code Signed Up} → signed_up);</li>
 *   <li>pages become page_view with the URL, referrer, UTM campaign, a traffic source derived from them, and the
 *       device; screens become screen_view; group calls a group event;</li>
 *   <li>traits and properties the schema does not know are declared as custom ones, typed by their JSON value
 *       (nested objects are flattened with '_': {@code address.city} → {@code address_city}); a value that
 *       contradicts a declared type is a problem, not a guess;</li>
 *   <li>identify with a userId and an anonymousId links the two (the visitor's past and future anonymous events
 *       become the customer's); alias links previousId to userId the same way;</li>
 *   <li>an event's id is its messageId, so a client's retry stores nothing twice; without one, a hash of the
 *       message's content;</li>
 *   <li>a device's clock skew is corrected as Segment does: timestamp + (received at − sentAt);</li>
 *   <li>{@code context.ip} and {@code context.library} are not stored: an IP address is personal data Segmenta
 *       does not need, and the library is the client's business.</li>
 * </ul>
 */
public final class SegmentSpec {
  /** The call types of the spec, as the {@code type} field and the endpoint names write them. */
  public static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "group", "alias");

  private static final Map<String, String> EVENT_NAMES = Map.ofEntries(
      Map.entry("order completed", "order"), Map.entry("order refunded", "return"), Map.entry("order cancelled", "return"),
      Map.entry("product viewed", "product_view"), Map.entry("product added", "add_to_cart"),
      Map.entry("experiment viewed", "experiment_viewed"), Map.entry("email delivered", "email_sent"),
      Map.entry("email opened", "email_opened"), Map.entry("email link clicked", "email_clicked"),
      Map.entry("survey answered", "survey_answer"));

  private SegmentSpec() {}

  /** A problem with one field of one message ({@code index} -1 for a single call). */
  public record Problem(int index, String field, String message) {
    @Override
    public String toString() {
      return (index >= 0 ? "batch[" + index + "]." : "") + field + ": " + message;
    }
  }

  /**
   * What a set of messages becomes: declarations to make first, then profiles and events to write atomically, and
   * the fields kept in extras because they did not fit the schema (lenient policy; to be counted per source).
   */
  public record Translation(List<TraitDef> newTraits, Map<String, PropertyDef> newProperties, Map<String, Set<String>> newPropertyTypes,
      List<Profile> profiles, List<Event> events, Map<String, List<ConsentRecord>> consents, List<Problem> problems,
      List<Violation> violations) {
    public Translation {
      violations = violations == null ? List.of() : List.copyOf(violations);
    }

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * How a source's messages are judged. {@code strict}: a value that clashes with its declared type refuses the
   * message (400), as Segmenta always did; lenient (the default): what fits is stored, the rest is kept in the
   * event's extras and counted as a violation. The limits bound how fast a client can grow the schema: new names
   * (traits, properties) per request, properties per event type, properties and traits in total; beyond them a
   * message is refused with a 400 naming the field.
   */
  public record Policy(boolean strict, int newNamesPerRequest, int propertiesPerEventType, int totalProperties, int totalTraits) {
    /** The default: lenient, at most 50 new names a request, 200 properties an event type, 1,000 properties, 500 traits. */
    public static final Policy LENIENT = new Policy(false, 50, 200, 1000, 500);
    /** The default limits, refusing values that clash with their declared type. */
    public static final Policy STRICT = LENIENT.withStrict(true);

    public Policy {
      checkArgument(newNamesPerRequest >= 0 && propertiesPerEventType >= 0 && totalProperties >= 0 && totalTraits >= 0,
          "schema growth limits must be >= 0, got %s/%s/%s/%s", newNamesPerRequest, propertiesPerEventType, totalProperties, totalTraits);
    }

    public Policy withStrict(boolean s) {
      return new Policy(s, newNamesPerRequest, propertiesPerEventType, totalProperties, totalTraits);
    }
  }

  /**
   * Translates messages strictly (a value that clashes with its declared type is a problem), as Segmenta always
   * did: see {@link #translate(List, String, boolean, Schema, Instant, Policy)}.
   */
  public static Translation translate(List<JsonNode> messages, String type, boolean batch, Schema schema, Instant receivedAt) {
    return translate(messages, type, batch, schema, receivedAt, Policy.STRICT);
  }

  /**
   * Translates messages; {@code type} is the endpoint's call type, or null for a batch (each message names its
   * own). {@code receivedAt} stands in for a missing timestamp. Never throws on what a client sent: every refusal
   * is a {@link Problem} naming the field.
   */
  public static Translation translate(List<JsonNode> messages, String type, boolean batch, Schema schema, Instant receivedAt, Policy policy) {
    Builder b = new Builder(schema, receivedAt);
    for (int i = 0; i < messages.size(); i++) {
      b.message(batch ? i : -1, messages.get(i), type);
    }
    return new Translation(List.copyOf(b.newTraits.values()), Map.copyOf(b.newProperties), Map.copyOf(b.newPropertyTypes),
        List.copyOf(b.profiles.values()), List.copyOf(b.events), Map.copyOf(b.consents), List.copyOf(b.problems), List.of());
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, String> SNAKE = new java.util.concurrent.ConcurrentHashMap<>();

  /** The snake_case name of an event or property: "Signed Up" → signed_up, "orderId" → order_id. */
  public static String snake(String s) {
    if (SNAKE.size() > 100_000) {
      SNAKE.clear();
    }
    return SNAKE.computeIfAbsent(s, SegmentSpec::toSnake);
  }

  private static String toSnake(String s) {
    String x = s.trim().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    if (x.isEmpty()) {
      return x;
    }
    return Character.isDigit(x.charAt(0)) ? "_" + x : x;
  }

  private static final class Builder {
    final Schema schema;
    final Instant receivedAt;
    final Map<String, TraitDef> newTraits = new LinkedHashMap<>();
    final Map<String, PropertyDef> newProperties = new LinkedHashMap<>();
    final Map<String, Set<String>> newPropertyTypes = new LinkedHashMap<>();
    final Map<String, Profile> profiles = new LinkedHashMap<>();
    final List<Event> events = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();
    final Map<String, List<io.segmenta.core.port.ConsentRecord>> consents = new LinkedHashMap<>();
    int index;

    Builder(Schema schema, Instant receivedAt) {
      this.schema = schema;
      this.receivedAt = receivedAt;
    }

    void problem(String field, String message) {
      problems.add(new Problem(index, field, message));
    }

    void message(int i, JsonNode m, String endpointType) {
      index = i;
      if (m == null || !m.isObject()) {
        problem("(message)", "expected a JSON object");
        return;
      }
      String type = endpointType;
      if (type == null) {
        JsonNode t = m.get("type");
        if (t == null || !t.isTextual() || !TYPES.contains(t.asText())) {
          problem("type", "expected one of " + new java.util.TreeSet<>(TYPES) + ", got " + (t == null ? "nothing" : t));
          return;
        }
        type = t.asText();
      }
      String userId = id(m, "userId");
      String anonymousId = id(m, "anonymousId");
      if (userId == null && anonymousId == null) {
        problem("userId", "a userId or an anonymousId is required");
        return;
      }
      Instant ts = receivedAt;
      if (m.hasNonNull("timestamp")) {
        ts = time(m, "timestamp");
        if (ts == null) {
          return;
        }
        // A device's clock may be off: as Segment does, shift the timestamp by the difference between when the
        // server received the message and when the device says it sent it.
        if (m.hasNonNull("sentAt")) {
          Instant sent = time(m, "sentAt");
          if (sent == null) {
            return;
          }
          ts = ts.plus(java.time.Duration.between(sent, receivedAt));
        }
      }
      String messageId = m.hasNonNull("messageId") ? m.get("messageId").asText() : null;
      if (messageId != null && messageId.isBlank()) {
        problem("messageId", "must not be blank when given");
        return;
      }
      String id = messageId != null ? messageId : contentId(m);
      JsonNode context = m.path("context");
      consent(userId, context, ts, id);
      switch (type) {
        case "identify" -> identify(m, userId, anonymousId);
        case "alias" -> alias(m, userId);
        case "track" -> track(m, id, userId, anonymousId, ts, context);
        case "page", "screen" -> page(m, type, id, userId, anonymousId, ts, context);
        case "group" -> group(m, id, userId, anonymousId, ts);
        default -> problem("type", "unknown call type '" + type + "'");
      }
    }

    String id(JsonNode m, String field) {
      JsonNode v = m.get(field);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!(v.isTextual() || v.isNumber())) {
        problem(field, "expected a string or a number, got " + v.getNodeType().toString().toLowerCase(Locale.ROOT));
        return null;
      }
      String s = v.asText();
      if (s.isBlank()) {
        return null;
      }
      if (s.length() > 200) {
        problem(field, "must be at most 200 characters, got " + s.length());
        return null;
      }
      return s;
    }

    Instant time(JsonNode m, String field) {
      JsonNode v = m.get(field);
      if (v == null || v.isNull()) {
        return null;
      }
      try {
        return OffsetDateTime.parse(v.asText()).toInstant();
      } catch (DateTimeParseException e) {
        try {
          return Instant.parse(v.asText());
        } catch (DateTimeParseException e2) {
          problem(field, "expected an ISO-8601 date-time such as 2025-06-01T12:00:00.000Z, got '" + v.asText() + "'");
          return null;
        }
      }
    }

    /**
     * Segment's consent context ({@code context.consent.categoryPreferences}: category → granted) of a known user,
     * for the purposes Segmenta knows; categories of other names (a consent tool's own codes) are left alone.
     */
    void consent(String userId, JsonNode context, Instant ts, String messageId) {
      JsonNode prefs = context.path("consent").path("categoryPreferences");
      if (userId == null || !prefs.isObject()) {
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = prefs.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        io.segmenta.core.privacy.Purpose purpose;
        try {
          purpose = io.segmenta.core.privacy.Purpose.parse(p.getKey());
        } catch (io.segmenta.core.UserException unknown) {
          continue;
        }
        if (!p.getValue().isBoolean()) {
          problem("context.consent.categoryPreferences." + p.getKey(), "expected true or false, got " + p.getValue());
          continue;
        }
        consents.computeIfAbsent(userId, k -> new ArrayList<>())
            .add(new io.segmenta.core.port.ConsentRecord(purpose, p.getValue().asBoolean(), ts, "tracking:" + messageId));
      }
    }

    void identify(JsonNode m, String userId, String anonymousId) {
      JsonNode traits = m.path("traits");
      if (!traits.isMissingNode() && !traits.isNull() && !traits.isObject()) {
        problem("traits", "expected an object");
        return;
      }
      if (userId == null) {
        problem("userId", "identify needs a userId (an anonymous visitor's traits wait until they are known)");
        return;
      }
      List<Identifier> ids = new ArrayList<>();
      Map<String, Value> values = new LinkedHashMap<>();
      Map<String, JsonNode> flat = new LinkedHashMap<>();
      flatten("", traits, flat);
      for (Map.Entry<String, JsonNode> t : flat.entrySet()) {
        String raw = t.getKey();
        JsonNode v = t.getValue();
        if (raw.equals("email") && v.isTextual() && !v.asText().isBlank()) {
          ids.add(Identifier.email(v.asText()));
          continue;
        }
        if (raw.equals("phone") && v.isTextual() && !v.asText().isBlank()) {
          ids.add(Identifier.phone(v.asText()));
          continue;
        }
        String name = aliasOf(snake(raw));
        if (name.isEmpty() || name.equals("id")) {
          continue;
        }
        Value value = typedTrait("traits." + raw, name, v);
        if (value != null) {
          values.put(name, value);
        }
      }
      if (anonymousId != null) {
        ids.add(new Identifier("anonymous_id", anonymousId));
      }
      Profile prior = profiles.get(userId);
      if (prior != null) {
        Map<String, Value> merged = new LinkedHashMap<>(prior.traits());
        merged.putAll(values);
        List<Identifier> all = new ArrayList<>(prior.identifiers());
        ids.stream().filter(x -> !all.contains(x)).forEach(all::add);
        profiles.put(userId, new Profile(userId, all, merged));
      } else {
        profiles.put(userId, new Profile(userId, ids, values));
      }
    }

    /** Segment's reserved trait names that Segmenta calls otherwise. */
    String aliasOf(String name) {
      return switch (name) {
        case "firstname", "first" -> "first_name";
        case "lastname", "last" -> "last_name";
        case "created_at" -> "signup_date";
        case "address_city" -> "city";
        case "address_country" -> "country";
        case "address_postal_code" -> "postal_code";
        case "address_state" -> "region";
        default -> name;
      };
    }

    void alias(JsonNode m, String userId) {
      String previous = id(m, "previousId");
      if (userId == null || previous == null) {
        problem(userId == null ? "userId" : "previousId", "alias needs both a userId and a previousId");
        return;
      }
      Profile prior = profiles.get(userId);
      List<Identifier> ids = new ArrayList<>(prior == null ? List.of() : prior.identifiers());
      ids.add(new Identifier("anonymous_id", previous));
      profiles.put(userId, new Profile(userId, ids, prior == null ? Map.of() : prior.traits()));
    }

    void track(JsonNode m, String id, String userId, String anonymousId, Instant ts, JsonNode context) {
      JsonNode ev = m.get("event");
      if (ev == null || !ev.isTextual() || ev.asText().isBlank()) {
        problem("event", "track needs the event's name, e.g. \"Order Completed\"");
        return;
      }
      String name = ev.asText();
      String type = EVENT_NAMES.getOrDefault(name.trim().toLowerCase(Locale.ROOT), snake(name));
      if (type.isEmpty()) {
        problem("event", "the name '" + name + "' has no letters or digits");
        return;
      }
      JsonNode props = m.path("properties");
      if (!props.isMissingNode() && !props.isNull() && !props.isObject()) {
        problem("properties", "expected an object");
        return;
      }
      Map<String, Value> values = new LinkedHashMap<>();
      List<OrderLine> lines = new ArrayList<>();
      Map<String, JsonNode> flat = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        if (p.getKey().equals("products") && p.getValue().isArray() && type.equals("order")) {
          lines(p.getValue(), lines);
        } else {
          flatten(p.getKey(), p.getValue(), flat);
        }
      }
      for (Map.Entry<String, JsonNode> p : flat.entrySet()) {
        String prop = propertyName(type, snake(p.getKey()));
        if (prop.isEmpty()) {
          continue;
        }
        Value v = typedProperty("properties." + p.getKey(), type, prop, p.getValue());
        if (v != null && !v.isNull()) {
          values.put(prop, v);
        }
      }
      if (type.equals("order") && !values.containsKey("revenue") && !lines.isEmpty()) {
        values.put("revenue", new Value.Num(lines.stream().mapToDouble(OrderLine::total).sum()));
      }
      contextProperties(type, context, values);
      if (schema.eventType(type).isEmpty()) {
        // A custom event keeps the name it was sent with (and the type exists even when it has no properties).
        declare("event_name", ValueType.STRING, type, "the event's name as the client sent it");
        values.put("event_name", new Value.Str(name));
      }
      events.add(new Event(id, userId, anonymousId, type, ts, values, lines));
    }

    /** The spec's property names that Segmenta's types call otherwise. */
    String propertyName(String type, String p) {
      if (type.equals("order") && (p.equals("total") || p.equals("value"))) {
        return "revenue";
      }
      if (type.equals("return") && (p.equals("total") || p.equals("revenue"))) {
        return "value";
      }
      if ((type.equals("product_view") || type.equals("add_to_cart")) && p.equals("name")) {
        return "product_name";
      }
      if (type.equals("experiment_viewed") && p.equals("experiment_name")) {
        return "experiment_name";
      }
      return p;
    }

    void lines(JsonNode products, List<OrderLine> out) {
      int k = 0;
      for (JsonNode p : products) {
        String field = "properties.products[" + k++ + "]";
        String pid = p.hasNonNull("product_id") ? p.get("product_id").asText() : p.hasNonNull("sku") ? p.get("sku").asText() : null;
        if (pid == null || pid.isBlank()) {
          problem(field + ".product_id", "each product needs a product_id (or sku)");
          continue;
        }
        JsonNode price = p.get("price");
        if (price == null || !price.isNumber()) {
          problem(field + ".price", "expected a number, got " + (price == null ? "nothing" : price));
          continue;
        }
        double q = p.path("quantity").isNumber() ? p.get("quantity").asDouble() : 1;
        double discount = p.path("discount").isNumber() ? Math.max(0, p.get("discount").asDouble()) : 0;
        out.add(new OrderLine(pid, p.path("name").isTextual() ? p.get("name").asText() : null,
            p.path("category").isTextual() ? p.get("category").asText() : null, q, price.asDouble(), discount));
      }
    }

    void page(JsonNode m, String kind, String id, String userId, String anonymousId, Instant ts, JsonNode context) {
      Map<String, Value> values = new LinkedHashMap<>();
      JsonNode props = m.path("properties");
      String type = kind.equals("page") ? "page_view" : "screen_view";
      if (kind.equals("page")) {
        String url = text(props, "url", text(context.path("page"), "url", null));
        String referrer = text(props, "referrer", text(context.path("page"), "referrer", null));
        put(values, "url", url);
        put(values, "referrer", referrer);
      } else {
        String name = m.hasNonNull("name") ? m.get("name").asText() : text(props, "name", null);
        declare("screen_name", ValueType.STRING, type, "the screen's name");
        put(values, "screen_name", name);
      }
      contextProperties(type, context, values);
      events.add(new Event(id, userId, anonymousId, type, ts, values, List.of()));
    }

    void group(JsonNode m, String id, String userId, String anonymousId, Instant ts) {
      String group = id(m, "groupId");
      if (group == null) {
        problem("groupId", "group needs a groupId");
        return;
      }
      declare("group_id", ValueType.STRING, "group", "the account or company a user belongs to");
      Map<String, Value> values = new LinkedHashMap<>();
      values.put("group_id", new Value.Str(group));
      events.add(new Event(id, userId, anonymousId, "group", ts, values, List.of()));
    }

    /** Campaign, device and traffic source from the context, where the event type carries them. */
    void contextProperties(String type, JsonNode context, Map<String, Value> values) {
      if (!context.isObject()) {
        return;
      }
      EventTypeDef et = schema.eventType(type).orElse(null);
      JsonNode campaign = context.path("campaign");
      String source = text(campaign, "source", null);
      String medium = text(campaign, "medium", null);
      String name = text(campaign, "name", null);
      String device = deviceOf(context);
      String referrer = values.get("referrer") instanceof Value.Str r ? r.value() : text(context.path("page"), "referrer", null);
      Map<String, String> derived = new LinkedHashMap<>();
      derived.put("utm_source", source);
      derived.put("utm_medium", medium);
      derived.put("utm_campaign", name);
      derived.put("device", device);
      derived.put("traffic_source", trafficSource(medium, source, referrer));
      for (Map.Entry<String, String> d : derived.entrySet()) {
        if (d.getValue() != null && et != null && et.has(d.getKey()) && !values.containsKey(d.getKey())) {
          values.put(d.getKey(), new Value.Str(d.getValue()));
        }
      }
    }

    static String deviceOf(JsonNode context) {
      String t = text(context.path("device"), "type", null);
      if (t != null) {
        String x = t.toLowerCase(Locale.ROOT);
        return x.contains("tablet") || x.contains("ipad") ? "tablet" : x.contains("mobile") || x.equals("ios") || x.equals("android") ? "mobile" : "desktop";
      }
      String ua = text(context, "userAgent", null);
      if (ua == null) {
        return null;
      }
      String u = ua.toLowerCase(Locale.ROOT);
      return u.contains("ipad") || u.contains("tablet") ? "tablet" : u.contains("mobi") || u.contains("android") || u.contains("iphone") ? "mobile" : "desktop";
    }

    /** direct, organic, paid, social, email or referral: the classification the synthetic shop and the docs use. */
    static String trafficSource(String medium, String source, String referrer) {
      String m = medium == null ? "" : medium.toLowerCase(Locale.ROOT);
      String s = source == null ? "" : source.toLowerCase(Locale.ROOT);
      if (m.equals("email") || s.equals("newsletter")) {
        return "email";
      }
      if (m.matches("cpc|ppc|paid.*|display|cpm")) {
        return "paid";
      }
      if (m.contains("social") || s.matches("facebook|instagram|tiktok|linkedin|twitter|x|pinterest")) {
        return "social";
      }
      if (referrer == null || referrer.isBlank()) {
        return medium == null && source == null ? "direct" : "referral";
      }
      String host;
      try {
        host = URI.create(referrer.trim()).getHost();
      } catch (IllegalArgumentException e) {
        host = null;
      }
      host = host == null ? "" : host.toLowerCase(Locale.ROOT);
      if (host.matches(".*(google|bing|duckduckgo|yahoo|ecosia)\\..*")) {
        return "organic";
      }
      if (host.matches(".*(facebook|instagram|t\\.co|twitter|linkedin|pinterest|tiktok)\\..*|t\\.co")) {
        return "social";
      }
      return "referral";
    }

    static String text(JsonNode n, String field, String dflt) {
      JsonNode v = n == null ? null : n.get(field);
      return v != null && v.isValueNode() && !v.isNull() && !v.asText().isBlank() ? v.asText() : dflt;
    }

    static void put(Map<String, Value> values, String k, String v) {
      if (v != null) {
        values.put(k, new Value.Str(v));
      }
    }

    /** Nested objects flattened with '_' (address.city → address_city), at most three levels. */
    void flatten(String prefix, JsonNode n, Map<String, JsonNode> out) {
      if (n == null || n.isMissingNode() || n.isNull()) {
        return;
      }
      if (n.isObject() && JsonValues.dateOrNull(n) == null) {
        if (prefix.split("_").length > 3) {
          return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          flatten(prefix.isEmpty() ? e.getKey() : prefix + "_" + e.getKey(), e.getValue(), out);
        }
        return;
      }
      if (!prefix.isEmpty()) {
        out.put(prefix, n);
      }
    }

    static ValueType inferred(JsonNode v) {
      if (v.isNumber()) {
        return ValueType.NUMBER;
      }
      if (v.isBoolean()) {
        return ValueType.BOOLEAN;
      }
      if (v.isArray()) {
        for (JsonNode x : v) {
          if (!x.isTextual()) {
            return null;
          }
        }
        return ValueType.STRING_LIST;
      }
      if (v.isTextual()) {
        String s = v.asText();
        if (s.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
          try {
            OffsetDateTime.parse(s);
            return ValueType.TIMESTAMP;
          } catch (DateTimeParseException e) {
            return ValueType.STRING;
          }
        }
        return ValueType.STRING;
      }
      return null;
    }

    Value typed(String field, ValueType type, JsonNode v) {
      try {
        if (type == ValueType.TIMESTAMP && v.isTextual()) {
          return new Value.TimeValue(OffsetDateTime.parse(v.asText()).toInstant());
        }
        if (type == ValueType.DATE && v.isTextual()) {
          return new Value.DateValue(java.time.LocalDate.parse(v.asText().substring(0, Math.min(10, v.asText().length()))));
        }
        return Coerce.standard().to(type, JsonValues.fromJson(v));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        problem(field, "is declared as " + type.label() + ": " + e.getMessage());
        return null;
      }
    }

    Value typedTrait(String field, String name, JsonNode v) {
      TraitDef def = schema.trait(name).orElse(newTraits.get(name));
      if (def != null && !def.writable()) {
        problem(field, "'" + name + "' is computed by Segmenta and cannot be set");
        return null;
      }
      if (def == null) {
        ValueType t = inferred(v);
        if (t == null) {
          problem(field, "a new trait must be a string, number, boolean, date-time or list of strings, got " + v);
          return null;
        }
        def = new TraitDef(name, t, Family.CUSTOM, "declared by the tracking API on first use");
        newTraits.put(name, def);
      }
      return typed(field, def.type(), v);
    }

    Value typedProperty(String field, String eventType, String name, JsonNode v) {
      PropertyDef def = schema.property(name).orElse(newProperties.get(name));
      if (def == null) {
        ValueType t = inferred(v);
        if (t == null) {
          problem(field, "a new property must be a string, number, boolean, date-time or list of strings, got " + v);
          return null;
        }
        def = new PropertyDef(name, t, "declared by the tracking API on first use");
      }
      Value typed = typed(field, def.type(), v);
      if (typed != null) {
        declare(name, def.type(), eventType, def.description());
      }
      return typed;
    }

    /** Makes sure the event type carries the property, declaring either when new. */
    void declare(String name, ValueType type, String eventType, String description) {
      boolean known = schema.eventType(eventType).map(et -> et.has(name)).orElse(false);
      if (known) {
        return;
      }
      if (schema.property(name).isEmpty()) {
        newProperties.putIfAbsent(name, new PropertyDef(name, type, description));
      } else {
        newProperties.putIfAbsent(name, schema.property(name).get());
      }
      newPropertyTypes.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(eventType);
    }

    static String contentId(JsonNode m) {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(m.toString().getBytes(StandardCharsets.UTF_8));
        return "h" + HexFormat.of().formatHex(d, 0, 16);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
      }
    }
  }
}
