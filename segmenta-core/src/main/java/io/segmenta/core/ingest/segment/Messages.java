package io.segmenta.core.ingest.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.segmenta.core.UserException;
import io.segmenta.core.ingest.segment.Fields.Clash;
import io.segmenta.core.ingest.segment.Fields.Leaf;
import io.segmenta.core.ingest.segment.Fields.OutOfRange;
import io.segmenta.core.ingest.segment.SegmentSpec.Policy;
import io.segmenta.core.ingest.segment.SegmentSpec.Problem;
import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.ConsentRecord;
import io.segmenta.core.port.Violation;
import io.segmenta.core.privacy.Purpose;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Names;
import io.segmenta.core.schema.PropertyDef;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The translation of one request's messages, call by call (see {@link SegmentSpec} for what each call becomes).
 * Holds what the request writes, keeps in extras and refuses (what it declares: {@link Growth}); never throws on
 * what a client sent. The envelope every call shares (times, ids) is read by {@link Envelope}, the field rules live in
 * {@link Fields}, the context's classification in {@link Traffic}.
 *
 * <p>Over 500 lines: one method per call type of the spec (identify, track, page, screen, group, alias) walking one
 * message with the same builder state; the shared pieces stand apart (Envelope for times and ids, Fields for values and
 * names, Growth for schema limits, Traffic for sources). Splitting per call type would pass that state around for no gain.
 */
final class Messages {
  /** The spec's e-commerce and e-mail event names that are Segmenta's standard event types. */
  private static final Map<String, String> EVENT_NAMES = Map.ofEntries(
      Map.entry("order completed", "order"), Map.entry("order refunded", "return"), Map.entry("order cancelled", "return"),
      Map.entry("product viewed", "product_view"), Map.entry("product added", "add_to_cart"),
      Map.entry("experiment viewed", "experiment_viewed"), Map.entry("email delivered", "email_sent"),
      Map.entry("email opened", "email_opened"), Map.entry("email link clicked", "email_clicked"),
      Map.entry("survey answered", "survey_answer"));
  /** Longest id accepted: {@link Envelope#ID_LIMIT}. */
  static final int ID_LIMIT = Envelope.ID_LIMIT;
  /** The fields of a product that an order line holds; a product with others is also kept whole in extras. */
  private static final Set<String> LINE_FIELDS = Set.of("product_id", "sku", "name", "category", "price", "quantity", "discount");
  /** Context fields not stored (documented): the IP address is personal data Segmenta does not need, the library the client's business. */
  private static final Set<String> UNSTORED_CONTEXT = Set.of("ip", "library");

  final Schema schema;
  final Instant receivedAt;
  final Policy policy;
  final Growth growth;
  private final Envelope envelope;
  final Map<String, Profile> profiles = new LinkedHashMap<>();
  final List<Event> events = new ArrayList<>();
  final List<Problem> problems = new ArrayList<>();
  final List<Violation> violations = new ArrayList<>();
  final Map<String, List<ConsentRecord>> consents = new LinkedHashMap<>();
  private int index;

  Messages(Schema schema, Instant receivedAt, Policy policy) {
    this.schema = schema;
    this.receivedAt = receivedAt;
    this.policy = policy;
    this.growth = new Growth(schema, policy, this::problem);
    this.envelope = new Envelope(receivedAt, this::problem);
  }

  void problem(String field, String message) {
    problems.add(new Problem(index, field, message));
  }

  /** A value that does not fit: refused (strict) or kept in extras and counted (lenient). */
  private void clash(String field, String eventType, String expected, JsonNode v, Map<String, Value> extras, String message) {
    if (policy.strict()) {
      problem(field, message);
    } else {
      extras.put(field, JsonValues.fromJson(v));
      violations.add(new Violation(index, eventType, field, expected, Fields.shown(v)));
    }
  }

  void message(int i, JsonNode m, String endpointType) {
    index = i;
    if (m == null || !m.isObject()) {
      problem("(message)", "expected a JSON object");
      return;
    }
    String[] hostile = Fields.hostile(m, "", 0);
    if (hostile != null) {
      problem(hostile[0], hostile[1]);
      return;
    }
    String type = endpointType;
    if (type == null) {
      JsonNode t = m.get("type");
      if (t == null || !t.isTextual() || !SegmentSpec.TYPES.contains(t.asText())) {
        problem("type", "expected one of " + new TreeSet<>(SegmentSpec.TYPES) + ", got " + (t == null ? "nothing" : Fields.shown(t)));
        return;
      }
      type = t.asText();
    }
    int before = problems.size();
    String userId = envelope.id(m, "userId");
    String anonymousId = envelope.id(m, "anonymousId");
    String messageId = envelope.id(m, "messageId");
    if (messageId == null && m.hasNonNull("messageId") && problems.size() == before) {
      problem("messageId", "must not be blank when given");
    }
    if (problems.size() > before) {
      return;
    }
    if (userId == null && anonymousId == null) {
      problem("userId", "a userId or an anonymousId is required");
      return;
    }
    Instant ts = envelope.timestamp(m);
    if (ts == null) {
      return;
    }
    String id = messageId != null ? messageId : contentId(m);
    JsonNode context = m.path("context");
    consent(userId, context, ts, id);
    switch (type) {
      case "identify" -> identify(m, id, userId, anonymousId, ts);
      case "alias" -> alias(m, userId);
      case "track" -> track(m, id, userId, anonymousId, ts, context);
      case "page", "screen" -> page(m, type, id, userId, anonymousId, ts, context);
      case "group" -> group(m, id, userId, anonymousId, ts, context);
      default -> problem("type", "unknown call type '" + type + "'");
    }
  }

  /**
   * Segment's consent context ({@code context.consent.categoryPreferences}: category → granted) of a known user,
   * for the purposes Segmenta knows; categories of other names (a consent tool's own codes) are left alone.
   */
  private void consent(String userId, JsonNode context, Instant ts, String messageId) {
    JsonNode prefs = context.path("consent").path("categoryPreferences");
    if (userId == null || !prefs.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = prefs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      Purpose purpose;
      try {
        purpose = Purpose.parse(p.getKey());
      } catch (UserException unknown) {
        continue;
      }
      if (!p.getValue().isBoolean()) {
        problem("context.consent.categoryPreferences." + Fields.shownName(p.getKey()), "expected true or false, got " + Fields.shown(p.getValue()));
        continue;
      }
      consents.computeIfAbsent(userId, k -> new ArrayList<>()).add(new ConsentRecord(purpose, p.getValue().asBoolean(), ts, "tracking:" + messageId));
    }
  }

  /**
   * Traits of a customer, or of an anonymous visitor: those wait on a profile whose id is the anonymous id, which
   * identity stitching merges into the customer once an identify or alias links the two (the customer's own
   * traits win). A visitor's e-mail or phone is kept, not matched: it would merge a customer into the visitor.
   * Traits with no typed place are kept in the extras of an {@code identify} event.
   */
  private void identify(JsonNode m, String id, String userId, String anonymousId, Instant ts) {
    JsonNode traits = m.path("traits");
    if (!traits.isMissingNode() && !traits.isNull() && !traits.isObject()) {
      problem("traits", "expected an object, got " + Fields.shown(traits));
      return;
    }
    List<Identifier> ids = new ArrayList<>();
    Map<String, Value> values = new LinkedHashMap<>();
    Map<String, Value> extras = new LinkedHashMap<>();
    Map<String, String> seen = new HashMap<>();
    List<Leaf> leaves = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = traits.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> t = it.next();
      Fields.flatten("traits." + t.getKey(), t.getKey(), t.getValue(), 1, leaves, extras);
    }
    for (Leaf leaf : leaves) {
      if (leaf.field().equals("traits.email") || leaf.field().equals("traits.phone")) {
        JsonNode v = leaf.node();
        if (!v.isTextual()) {
          clash(leaf.field(), "identify", "string", v, extras, "expected text, got " + Fields.shown(v));
        } else if (userId == null) {
          extras.put(leaf.field(), JsonValues.fromJson(v));
        } else if (!v.textValue().isBlank()) {
          ids.add(leaf.raw().equals("email") ? Identifier.email(v.textValue()) : Identifier.phone(v.textValue()));
        }
        continue;
      }
      String name;
      try {
        String snake = aliasOf(Fields.snake(leaf.raw()));
        name = Names.safe(snake, schema.trait(snake).isPresent() || growth.newTraits.containsKey(snake));
      } catch (IllegalArgumentException e) {
        problem(leaf.field(), e.getMessage());
        continue;
      }
      String other = seen.putIfAbsent(name, leaf.field());
      if (other != null) {
        clash(leaf.field(), "identify", "one field per name", leaf.node(), extras, "maps to the trait '" + name + "' as " + other + " does; send one of them");
        continue;
      }
      trait(leaf, name, values, extras);
    }
    String profileId = userId != null ? userId : anonymousId;
    if (userId == null && values.isEmpty()) {
      // An anonymous identify with no trait to keep (analytics.js sends them) makes no empty visitor profile.
      if (!extras.isEmpty()) {
        events.add(new Event(id, null, anonymousId, "identify", ts, Map.of(), List.of(), extras));
      }
      return;
    }
    if (userId != null && anonymousId != null) {
      ids.add(new Identifier("anonymous_id", anonymousId));
    }
    Profile prior = profiles.get(profileId);
    if (prior != null) {
      Map<String, Value> merged = new LinkedHashMap<>(prior.traits());
      merged.putAll(values);
      List<Identifier> all = new ArrayList<>(prior.identifiers());
      ids.stream().filter(x -> !all.contains(x)).forEach(all::add);
      profiles.put(profileId, new Profile(profileId, all, merged));
    } else {
      profiles.put(profileId, new Profile(profileId, ids, values));
    }
    if (!extras.isEmpty()) {
      events.add(new Event(id, userId, anonymousId, "identify", ts, Map.of(), List.of(), extras));
    }
  }

  private void trait(Leaf leaf, String name, Map<String, Value> values, Map<String, Value> extras) {
    JsonNode v = leaf.node();
    TraitDef def = schema.trait(name).orElse(growth.newTraits.get(name));
    if (def != null && !def.writable()) {
      clash(leaf.field(), "identify", "a trait clients may set", v, extras, "'" + name + "' is computed by Segmenta and cannot be set");
      return;
    }
    if (def == null) {
      ValueType t = Fields.inferred(v, true);
      if (t == null) {
        extras.put(leaf.field(), JsonValues.fromJson(v));
        return;
      }
      def = growth.trait(leaf.field(), name, t);
      if (def == null) {
        return;
      }
    }
    try {
      values.put(name, Fields.fit(def.type(), v));
    } catch (Clash c) {
      clash(leaf.field(), "identify", def.type().label(), v, extras, "is declared as " + def.type().label() + ": " + c.getMessage());
    } catch (OutOfRange r) {
      problem(leaf.field(), r.getMessage());
    }
  }

  /** Segment's reserved trait names that Segmenta calls otherwise. */
  private static String aliasOf(String name) {
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

  private void alias(JsonNode m, String userId) {
    int before = problems.size();
    String previous = envelope.id(m, "previousId");
    if (userId == null || previous == null) {
      if (problems.size() == before) {
        problem(userId == null ? "userId" : "previousId", "alias needs both a userId and a previousId");
      }
      return;
    }
    Profile prior = profiles.get(userId);
    List<Identifier> ids = new ArrayList<>(prior == null ? List.of() : prior.identifiers());
    ids.add(new Identifier("anonymous_id", previous));
    profiles.put(userId, new Profile(userId, ids, prior == null ? Map.of() : prior.traits()));
  }

  private void track(JsonNode m, String id, String userId, String anonymousId, Instant ts, JsonNode context) {
    JsonNode ev = m.get("event");
    if (ev == null || !ev.isTextual() || ev.asText().isBlank()) {
      problem("event", "track needs the event's name, e.g. \"Order Completed\"");
      return;
    }
    String name = ev.asText();
    String type = EVENT_NAMES.get(name.trim().toLowerCase(Locale.ROOT));
    if (type == null) {
      try {
        String snake = Fields.snake(name);
        type = Names.safe(snake, schema.eventType(snake).isPresent());
      } catch (IllegalArgumentException e) {
        problem("event", e.getMessage());
        return;
      }
    }
    JsonNode props = m.path("properties");
    if (!props.isMissingNode() && !props.isNull() && !props.isObject()) {
      problem("properties", "expected an object, got " + Fields.shown(props));
      return;
    }
    Map<String, Value> values = new LinkedHashMap<>();
    Map<String, Value> extras = new LinkedHashMap<>();
    List<OrderLine> lines = new ArrayList<>();
    JsonNode products = props.get("products");
    boolean productList = products != null && products.isArray();
    if (productList) {
      if (type.equals("order")) {
        lines(products, lines, extras);
      } else {
        extras.put("properties.products", JsonValues.fromJson(products));
      }
    }
    properties("properties", props, type, productList ? Set.of("products") : Set.of(), values, extras, new HashMap<>());
    if (type.equals("order") && !values.containsKey("revenue") && !lines.isEmpty()) {
      double revenue = lines.stream().mapToDouble(OrderLine::total).sum();
      if (!Double.isFinite(revenue)) {
        problem("properties.products", "the lines' total is not a finite number");
        return;
      }
      values.put("revenue", new Value.Num(revenue));
    }
    context(type, context, values, extras);
    if (schema.eventType(type).map(et -> et.has("event_name")).orElse(true)) {
      // A custom event keeps the name it was sent with, the first time and every time after (and the type exists even
      // when it has no properties); the standard types' names are fixed and carry none.
      if (growth.declare("event", "event_name", ValueType.STRING, type, "the event's name as the client sent it")) {
        values.put("event_name", new Value.Str(name));
      }
    }
    events.add(new Event(id, userId, anonymousId, type, ts, values, lines, extras));
  }

  /**
   * The products of an order as its lines. A product without an id or a price, or with fields a line has no place
   * for (brand, variant, url...), is kept too: the whole list goes to extras.
   */
  private void lines(JsonNode products, List<OrderLine> out, Map<String, Value> extras) {
    boolean keep = false;
    int k = 0;
    for (JsonNode p : products) {
      String field = "properties.products[" + k++ + "]";
      if (!p.isObject()) {
        clash(field, "order", "a product object", p, extras, "expected an object, got " + Fields.shown(p));
        continue;
      }
      for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
        keep |= !LINE_FIELDS.contains(it.next());
      }
      String idField = p.hasNonNull("product_id") ? "product_id" : p.hasNonNull("sku") ? "sku" : null;
      String pid = null;
      if (idField != null) {
        int before = problems.size();
        pid = envelope.id(field + "." + idField, p.get(idField));
        if (problems.size() > before) {
          continue;
        }
      }
      if (pid == null) {
        clash(field + ".product_id", "order", "a product_id (or sku)", p, extras, "each product needs a product_id (or sku)");
        continue;
      }
      Double price = number(field + ".price", p.get("price"), null, extras);
      Double q = number(field + ".quantity", p.get("quantity"), 1.0, extras);
      Double discount = number(field + ".discount", p.get("discount"), 0.0, extras);
      if (price == null || q == null || discount == null) {
        continue;
      }
      if (!Double.isFinite(q * price)) {
        problem(field, "quantity times price is not a finite number");
        continue;
      }
      out.add(new OrderLine(pid, Traffic.text(p, "name", null), Traffic.text(p, "category", null), q, price, Math.max(0, discount)));
    }
    if (keep) {
      extras.put("properties.products", JsonValues.fromJson(products));
    }
  }

  /** A product's number (or numeric text); {@code dflt} when absent; null after a clash. */
  private Double number(String field, JsonNode v, Double dflt, Map<String, Value> extras) {
    if (v == null || v.isNull()) {
      if (dflt == null) {
        clash(field, "order", ValueType.NUMBER.label(), v == null ? NullNode.getInstance() : v, extras,
            "expected a number, got nothing");
      }
      return dflt;
    }
    try {
      return ((Value.Num) Fields.fit(ValueType.NUMBER, v)).value();
    } catch (Clash | OutOfRange e) {
      clash(field, "order", ValueType.NUMBER.label(), v, extras, "expected a number, got " + Fields.shown(v));
      return null;
    }
  }

  /**
   * An object's fields as typed properties of {@code eventType} (nested objects flattened, see {@link Fields}); what
   * has no typed place goes to extras. {@code seen}: the names already given in this event, with their fields.
   */
  private void properties(String prefix, JsonNode obj, String eventType, Set<String> skip, Map<String, Value> values,
      Map<String, Value> extras, Map<String, String> seen) {
    List<Leaf> leaves = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (!skip.contains(p.getKey())) {
        Fields.flatten(prefix + "." + p.getKey(), p.getKey(), p.getValue(), 1, leaves, extras);
      }
    }
    for (Leaf leaf : leaves) {
      String name;
      try {
        String snake = propertyName(eventType, Fields.snake(leaf.raw()));
        name = Names.safe(snake, schema.property(snake).isPresent() || growth.newProperties.containsKey(snake));
      } catch (IllegalArgumentException e) {
        problem(leaf.field(), e.getMessage());
        continue;
      }
      property(leaf, eventType, name, values, extras, seen);
    }
  }

  private void property(Leaf leaf, String eventType, String name, Map<String, Value> values, Map<String, Value> extras, Map<String, String> seen) {
    JsonNode v = leaf.node();
    String other = seen.putIfAbsent(name, leaf.field());
    if (other != null) {
      clash(leaf.field(), eventType, "one field per name", v, extras, "maps to the property '" + name + "' as " + other + " does; send one of them");
      return;
    }
    PropertyDef def = schema.property(name).orElse(growth.newProperties.get(name));
    if (def == null) {
      ValueType t = Fields.inferred(v, false);
      if (t == null) {
        extras.put(leaf.field(), JsonValues.fromJson(v));
        return;
      }
      def = new PropertyDef(name, t, "declared by the tracking API on first use");
    }
    Value typed;
    try {
      typed = Fields.fit(def.type(), v);
    } catch (Clash c) {
      clash(leaf.field(), eventType, def.type().label(), v, extras, "is declared as " + def.type().label() + ": " + c.getMessage());
      return;
    } catch (OutOfRange r) {
      problem(leaf.field(), r.getMessage());
      return;
    }
    if (growth.declare(leaf.field(), name, def.type(), eventType, def.description())) {
      values.put(name, typed);
    }
  }

  /** The spec's property names that Segmenta's types call otherwise. */
  private static String propertyName(String type, String p) {
    return switch (type) {
      case "order" -> p.equals("total") || p.equals("value") ? "revenue" : p;
      case "return" -> p.equals("total") || p.equals("revenue") ? "value" : p;
      case "product_view", "add_to_cart" -> p.equals("name") ? "product_name" : p;
      case "page_view" -> p.equals("name") ? "page_name" : p.equals("category") ? "page_category" : p;
      case "screen_view" -> p.equals("name") ? "screen_name" : p;
      case "group" -> p.equals("name") ? "group_name" : p;
      default -> p;
    };
  }

  /**
   * Pages become page_view with every property (url, referrer, name, category, title, path, search and custom
   * ones), filled from {@code context.page} where the properties lack them; screens become screen_view likewise.
   */
  private void page(JsonNode m, String kind, String id, String userId, String anonymousId, Instant ts, JsonNode context) {
    JsonNode props = m.path("properties");
    if (!props.isMissingNode() && !props.isNull() && !props.isObject()) {
      problem("properties", "expected an object, got " + Fields.shown(props));
      return;
    }
    String type = kind.equals("page") ? "page_view" : "screen_view";
    Map<String, Value> values = new LinkedHashMap<>();
    Map<String, Value> extras = new LinkedHashMap<>();
    Map<String, String> seen = new HashMap<>();
    properties("properties", props, type, Set.of(), values, extras, seen);
    String nameProperty = kind.equals("page") ? "page_name" : "screen_name";
    for (String top : List.of("name", "category")) {
      JsonNode v = m.get(top);
      String name = top.equals("name") ? nameProperty : kind.equals("page") ? "page_category" : "screen_category";
      if (v != null && !v.isNull() && !values.containsKey(name) && !seen.containsKey(name)) {
        property(new Leaf(top, top, v), type, name, values, extras, seen);
      }
    }
    if (kind.equals("page")) {
      JsonNode page = context.path("page");
      for (String f : List.of("url", "referrer", "title", "path", "search")) {
        JsonNode v = page.get(f);
        if (v != null && v.isTextual() && !v.textValue().isBlank() && !values.containsKey(f) && !seen.containsKey(f)) {
          property(new Leaf("context.page." + f, f, v), type, f, values, extras, seen);
        }
      }
    }
    if (kind.equals("screen") && !growth.declare("name", "screen_name", ValueType.STRING, type, "the screen's name")) {
      return; // the type exists even when a screen has no name, as Segmenta always did
    }
    context(type, context, values, extras);
    events.add(new Event(id, userId, anonymousId, type, ts, values, List.of(), extras));
  }

  /** A group call is a group event: the group's id and its traits (name → group_name, the rest as they are). */
  private void group(JsonNode m, String id, String userId, String anonymousId, Instant ts, JsonNode context) {
    int before = problems.size();
    String group = envelope.id(m, "groupId");
    if (group == null) {
      if (problems.size() == before) {
        problem("groupId", "group needs a groupId");
      }
      return;
    }
    JsonNode traits = m.path("traits");
    if (!traits.isMissingNode() && !traits.isNull() && !traits.isObject()) {
      problem("traits", "expected an object, got " + Fields.shown(traits));
      return;
    }
    Map<String, Value> values = new LinkedHashMap<>();
    Map<String, Value> extras = new LinkedHashMap<>();
    Map<String, String> seen = new HashMap<>();
    seen.put("group_id", "groupId");
    if (!growth.declare("groupId", "group_id", ValueType.STRING, "group", "the account or company a user belongs to")) {
      return;
    }
    values.put("group_id", new Value.Str(group));
    properties("traits", traits, "group", Set.of(), values, extras, seen);
    context("group", context, values, extras);
    events.add(new Event(id, userId, anonymousId, "group", ts, values, List.of(), extras));
  }

  /**
   * Campaign, device and traffic source from the context, where the event type carries them; the rest of the
   * context (locale, user agent, screen, app...) is kept in extras, except {@code ip} and {@code library}.
   */
  private void context(String type, JsonNode context, Map<String, Value> values, Map<String, Value> extras) {
    if (!context.isObject()) {
      return;
    }
    EventTypeDef et = schema.eventType(type).orElse(null);
    JsonNode campaign = context.path("campaign");
    String source = Traffic.text(campaign, "source", null);
    String medium = Traffic.text(campaign, "medium", null);
    String name = Traffic.text(campaign, "name", null);
    String referrer = values.get("referrer") instanceof Value.Str r ? r.value() : Traffic.text(context.path("page"), "referrer", null);
    Map<String, String> derived = new LinkedHashMap<>();
    derived.put("utm_source", source);
    derived.put("utm_medium", medium);
    derived.put("utm_campaign", name);
    derived.put("device", Traffic.deviceOf(context));
    derived.put("traffic_source", Traffic.source(medium, source, referrer));
    for (Map.Entry<String, String> d : derived.entrySet()) {
      if (d.getValue() != null && et != null && et.has(d.getKey()) && !values.containsKey(d.getKey())) {
        values.put(d.getKey(), new Value.Str(d.getValue()));
      }
    }
    Map<String, Value> kept = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = context.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!UNSTORED_CONTEXT.contains(e.getKey()) && !e.getValue().isNull()) {
        kept.put(e.getKey(), JsonValues.fromJson(e.getValue()));
      }
    }
    if (!kept.isEmpty()) {
      extras.put("context", new Value.ObjectValue(kept));
    }
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
