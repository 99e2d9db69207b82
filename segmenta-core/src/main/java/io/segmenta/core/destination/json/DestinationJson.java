package io.segmenta.core.destination.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.UserException;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Run;
import io.segmenta.core.privacy.Purpose;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON form of a destination:
 * <pre>{@code
 * {"key": "meta_returners", "segment": "returners", "kind": "meta",
 *  "settings": {"audience_id": "2384...", "token_env": "META_TOKEN", "default_calling_code": "45"},
 *  "purpose": "advertising", "exclusion": true, "every": "PT6H", "on_change": false, "campaign": null}
 * }</pre>
 * {@code purpose} may be omitted where the kind fixes it; {@code every} is an ISO-8601 duration or absent. Unknown
 * fields are errors naming the field. Printing writes the canonical form, which reads back equal.
 */
public final class DestinationJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("key", "segment", "kind", "settings", "purpose", "exclusion", "every", "on_change", "campaign");

  private DestinationJson() {}

  public static Destination parse(String json) {
    try {
      return parse(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new UserException("the destination is not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr());
    }
  }

  public static Destination parse(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new UserException("a destination is a JSON object with key, segment, kind and settings");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new UserException("unknown field '" + f + "' in the destination; expected one of " + new TreeSet<>(FIELDS));
      }
    }
    Map<String, String> settings = new TreeMap<>();
    JsonNode s = n.path("settings");
    if (!s.isMissingNode() && !s.isNull()) {
      if (!s.isObject()) {
        throw new UserException("'settings' must be an object of text values");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw new UserException("setting '" + e.getKey() + "' must be text, got " + e.getValue().getNodeType().name().toLowerCase(Locale.ROOT));
        }
        settings.put(e.getKey(), e.getValue().asText());
      }
    }
    Duration every = null;
    String e = text(n, "every");
    if (e != null) {
      try {
        every = Duration.parse(e);
      } catch (DateTimeParseException x) {
        throw new UserException("'every' must be an ISO-8601 duration such as PT6H, got '" + e + "'");
      }
    }
    String purpose = text(n, "purpose");
    return new Destination(text(n, "key"), text(n, "segment"), Destination.Kind.parse(text(n, "kind")), settings,
        purpose == null ? null : Purpose.parse(purpose), bool(n, "exclusion"), every, bool(n, "on_change"), text(n, "campaign"));
  }

  public static String print(Destination d) {
    return json(d).toString();
  }

  public static ObjectNode json(Destination d) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", d.key()).put("segment", d.segment()).put("kind", d.kind().label());
    ObjectNode s = o.putObject("settings");
    new TreeMap<>(d.settings()).forEach(s::put);
    o.put("purpose", d.purpose().label()).put("exclusion", d.exclusion());
    if (d.every() != null) {
      o.put("every", d.every().toString());
    }
    o.put("on_change", d.onChange());
    if (d.campaign() != null) {
      o.put("campaign", d.campaign());
    }
    return o;
  }

  /** A run as the admin API and the CLI's {@code --json} show it. */
  public static ObjectNode json(Run r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("destination", r.destination()).put("started_at", r.startedAt().toString()).put("finished_at", r.finishedAt().toString())
        .put("dry_run", r.dryRun()).put("status", r.status().name().toLowerCase(Locale.ROOT)).put("members", r.members())
        .put("added", r.added()).put("removed", r.removed()).put("failed", r.failed()).put("attempts", r.attempts());
    if (r.reason() != null) {
      o.put("reason", r.reason());
    }
    if (r.dryRun()) {
      r.addExamples().forEach(o.putArray("add_examples")::add);
      r.removeExamples().forEach(o.putArray("remove_examples")::add);
    }
    return o;
  }

  private static String text(JsonNode n, String f) {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new UserException("'" + f + "' must be text, got " + v.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return v.asText();
  }

  private static boolean bool(JsonNode n, String f) {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new UserException("'" + f + "' must be true or false, got " + v);
    }
    return v.asBoolean();
  }
}
