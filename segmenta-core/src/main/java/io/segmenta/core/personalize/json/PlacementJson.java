package io.segmenta.core.personalize.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.UserException;
import io.segmenta.core.personalize.Content;
import io.segmenta.core.personalize.Placement;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON form of a placement, for the store, the API and files:
 * <pre>{@code
 * {"key": "home_hero", "description": "...", "strategy": "first_match", "holdout": 0.05,
 *  "contents": [{"key": "golf_beginner", "rule": "top_interest = \"golf\" and segment beginners",
 *                "score": 2, "payload": {"headline": "..."}, "recommendations": 4}],
 *  "fallback": {"key": "default", "payload": {...}}}
 * }</pre>
 * Unknown fields are errors naming the field and where it is, so a typo never silently changes what people see.
 * Printing writes the canonical form, which reads back to an equal placement.
 */
public final class PlacementJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("key", "description", "strategy", "contents", "fallback", "holdout", "experiment");
  private static final Set<String> CONTENT_FIELDS = Set.of("key", "rule", "score", "payload", "recommendations");

  private PlacementJson() {}

  public static Placement parse(String json) {
    try {
      return parse(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new UserException("the placement is not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr());
    }
  }

  public static Placement parse(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new UserException("a placement is a JSON object");
    }
    known(n, FIELDS, "placement");
    String key = text(n, "key", "placement");
    String where = "placement '" + key + "'";
    JsonNode contents = n.path("contents");
    if (!contents.isMissingNode() && !contents.isArray()) {
      throw new UserException(where + ": 'contents' must be a list");
    }
    List<Content> list = new ArrayList<>();
    for (int i = 0; i < contents.size(); i++) {
      list.add(content(contents.get(i), where + ", contents[" + i + "]"));
    }
    if (!n.has("fallback")) {
      throw new UserException(where + ": 'fallback' is required: the content shown when nothing else applies");
    }
    Content fallback = content(n.get("fallback"), where + ", fallback");
    try {
      return new Placement(key, n.path("description").asText(""),
          n.has("strategy") ? Placement.Strategy.parse(n.get("strategy").asText()) : Placement.Strategy.FIRST_MATCH,
          list, fallback, number(n, "holdout", 0, where), n.hasNonNull("experiment") ? n.get("experiment").asText() : null);
    } catch (IllegalArgumentException e) {
      throw new UserException(where + ": " + e.getMessage());
    }
  }

  private static Content content(JsonNode c, String where) {
    if (c == null || !c.isObject()) {
      throw new UserException(where + ": a content is a JSON object with a key");
    }
    known(c, CONTENT_FIELDS, where);
    String key = text(c, "key", where);
    JsonNode payload = c.path("payload");
    if (!payload.isMissingNode() && !payload.isObject()) {
      throw new UserException(where + ": 'payload' must be a JSON object");
    }
    JsonNode recs = c.path("recommendations");
    if (!recs.isMissingNode() && !recs.canConvertToExactIntegral()) {
      throw new UserException(where + ": 'recommendations' must be a whole number, got " + recs);
    }
    try {
      return new Content(key, c.path("rule").asText(""), number(c, "score", 0, where),
          payload.isMissingNode() ? new Value.ObjectValue(Map.of()) : JsonValues.fromJson(payload), recs.asInt(0));
    } catch (IllegalArgumentException e) {
      throw new UserException(where + ": " + e.getMessage());
    }
  }

  public static ObjectNode toJson(Placement p) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", p.key());
    o.put("description", p.description());
    o.put("strategy", p.strategy().label());
    if (p.experiment() != null) {
      o.put("experiment", p.experiment());
    }
    o.put("holdout", p.holdout());
    ArrayNode a = o.putArray("contents");
    for (Content c : p.contents()) {
      a.add(toJson(c));
    }
    o.set("fallback", toJson(p.fallback()));
    return o;
  }

  public static String print(Placement p) {
    try {
      return MAPPER.writeValueAsString(toJson(p));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode toJson(Content c) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", c.key());
    if (!c.forEveryone()) {
      o.put("rule", c.rule());
    }
    o.put("score", c.score());
    o.set("payload", JsonValues.toJson(c.payload()));
    if (c.recommendations() > 0) {
      o.put("recommendations", c.recommendations());
    }
    return o;
  }

  private static void known(JsonNode n, Set<String> fields, String where) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw new UserException(where + ": field '" + f + "' is unknown; known fields: " + new TreeSet<>(fields));
      }
    }
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new UserException(where + ": '" + field + "' is required and must be a string");
    }
    return v.asText();
  }

  private static double number(JsonNode n, String field, double otherwise, String where) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (!v.isNumber()) {
      throw new UserException(where + ": '" + field + "' must be a number, got " + v);
    }
    return v.asDouble();
  }
}
