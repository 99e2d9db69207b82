package io.segmenta.core.journey.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.UserException;
import io.segmenta.core.email.template.EmailRenderer;
import io.segmenta.core.email.template.EmailTemplate;
import io.segmenta.core.journey.Journey;
import io.segmenta.core.journey.Step;
import io.segmenta.core.journey.Trigger;
import io.segmenta.core.value.Value;
import io.segmenta.core.value.json.JsonValues;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON form of a journey:
 * <pre>{@code
 * {"key": "post_purchase", "version": 1, "description": "...",
 *  "trigger": {"event": "order", "where": {"currency": "EUR"}}      (or {"segment": "vip", "on": "enter"|"exit"}),
 *  "steps": [{"id": "pause", "wait": "PT2H", "next": "thanks"},
 *            {"id": "thanks", "send_email": "thank_you", "next": "done"},
 *            {"id": "vip", "branch": "segment vip", "yes": "a", "no": "b"},
 *            {"id": "ab", "split": {"holdout": 10}, "next": "thanks"},
 *            {"id": "done", "exit": true}],
 *  "goal": "orders >= 2", "exits": ["..."],
 *  "reentry": "never" | "always" | "P30D",
 *  "caps": [{"channel": "email", "max": 1, "per": "PT16H"}],
 *  "templates": {"thank_you": {"subject": "...", "body": "...", "defaults": {...}}}}
 * }</pre>
 * Durations are ISO-8601 ({@code PT2H}, {@code P30D}). Unknown fields are errors naming the field and where it is.
 * Printing writes the canonical form, which reads back to an equal journey. {@code version} may be omitted (1).
 */
public final class JourneyJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("key", "version", "description", "trigger", "steps", "goal", "exits", "reentry", "caps", "templates");
  private static final Set<String> STEP_KINDS = Set.of("wait", "branch", "split", "send_email", "exit");
  private static final Set<String> STEP_FIELDS = Set.of("id", "wait", "branch", "split", "send_email", "exit", "next", "yes", "no");

  private JourneyJson() {}

  public static Journey parse(String json) {
    try {
      return parse(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new UserException("the journey is not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr());
    }
  }

  public static Journey parse(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new UserException("a journey is a JSON object with key, trigger and steps");
    }
    known(n, FIELDS, "journey");
    String key = n.path("key").asText(null);
    String where = "journey '" + key + "'";
    try {
      List<Step> steps = new ArrayList<>();
      JsonNode s = n.path("steps");
      if (!s.isArray()) {
        throw new UserException(where + ": 'steps' must be a list");
      }
      for (int i = 0; i < s.size(); i++) {
        steps.add(step(s.get(i), where + ", steps[" + i + "]"));
      }
      List<String> exits = new ArrayList<>();
      n.path("exits").forEach(e -> exits.add(e.asText()));
      List<Journey.FrequencyCap> caps = new ArrayList<>();
      for (JsonNode c : n.path("caps")) {
        known(c, Set.of("channel", "max", "per"), where + ", caps");
        caps.add(new Journey.FrequencyCap(c.path("channel").asText(null), c.path("max").asInt(0), duration(c.path("per"), where + ", caps")));
      }
      Map<String, EmailTemplate> templates = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.path("templates").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> t = it.next();
        ObjectNode o = t.getValue().isObject() ? ((ObjectNode) t.getValue()).deepCopy() : MAPPER.createObjectNode();
        o.put("key", t.getKey());
        templates.put(t.getKey(), EmailRenderer.parse(o.toString()));
      }
      return new Journey(key, n.path("version").asInt(1), n.path("description").asText(null), trigger(n.path("trigger"), where), steps,
          n.path("goal").isTextual() ? n.path("goal").asText() : null, exits, reentry(n.path("reentry"), where), caps, templates);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage().startsWith("journey") ? e.getMessage() : where + ": " + e.getMessage());
    }
  }

  private static Trigger trigger(JsonNode t, String where) {
    if (!t.isObject()) {
      throw new UserException(where + ": 'trigger' must be an object with 'event' or 'segment'");
    }
    known(t, Set.of("event", "where", "segment", "on"), where + ", trigger");
    if (t.has("event")) {
      Map<String, Value> w = new LinkedHashMap<>();
      t.path("where").fields().forEachRemaining(e -> w.put(e.getKey(), JsonValues.fromJson(e.getValue())));
      return new Trigger.OnEvent(t.path("event").asText(), w);
    }
    if (t.has("segment")) {
      String on = t.path("on").asText("enter");
      if (!on.equals("enter") && !on.equals("exit")) {
        throw new UserException(where + ", trigger: 'on' must be \"enter\" or \"exit\", got '" + on + "'");
      }
      return new Trigger.OnSegment(t.path("segment").asText(), on.equals("enter"));
    }
    throw new UserException(where + ": the trigger needs 'event' or 'segment'");
  }

  private static Step step(JsonNode s, String where) {
    if (!s.isObject()) {
      throw new UserException(where + ": a step is an object with 'id' and one of " + new TreeSet<>(STEP_KINDS));
    }
    known(s, STEP_FIELDS, where);
    List<String> kinds = STEP_KINDS.stream().filter(s::has).sorted().toList();
    if (kinds.size() != 1) {
      throw new UserException(where + ": a step needs exactly one of " + new TreeSet<>(STEP_KINDS) + ", got " + kinds);
    }
    String id = s.path("id").asText(null);
    String at = where + " ('" + id + "')";
    String next = s.path("next").isTextual() ? s.path("next").asText() : null;
    return switch (kinds.get(0)) {
      case "wait" -> new Step.Wait(id, duration(s.path("wait"), at), need(next, at));
      case "branch" -> new Step.Branch(id, s.path("branch").asText(null), need(s.path("yes").asText(null), at + " yes"),
          need(s.path("no").asText(null), at + " no"));
      case "split" -> {
        known(s.path("split"), Set.of("holdout"), at + ", split");
        yield new Step.Split(id, s.path("split").path("holdout").asInt(0), need(next, at));
      }
      case "send_email" -> new Step.SendEmail(id, s.path("send_email").asText(null), next);
      default -> new Step.Exit(id);
    };
  }

  private static String need(String next, String where) {
    if (next == null) {
      throw new UserException(where + ": needs 'next'");
    }
    return next;
  }

  private static Journey.Reentry reentry(JsonNode r, String where) {
    if (r.isMissingNode() || r.isNull() || r.asText().equals("never")) {
      return Journey.Reentry.NEVER;
    }
    if (r.asText().equals("always")) {
      return Journey.Reentry.ALWAYS;
    }
    return new Journey.Reentry(Journey.Reentry.Mode.AFTER, duration(r, where + ", reentry"));
  }

  private static Duration duration(JsonNode d, String where) {
    try {
      return Duration.parse(d.asText());
    } catch (DateTimeParseException e) {
      throw new UserException(where + ": a duration is ISO-8601 like PT16H or P30D, got '" + d.asText() + "'");
    }
  }

  private static void known(JsonNode n, Set<String> fields, String where) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw new UserException(where + ": field '" + f + "' is unknown; known fields: " + new TreeSet<>(fields));
      }
    }
  }

  /** The canonical JSON text. */
  public static String print(Journey j) {
    return toJson(j).toString();
  }

  public static ObjectNode toJson(Journey j) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("key", j.key());
    o.put("version", j.version());
    if (!j.description().isEmpty()) {
      o.put("description", j.description());
    }
    ObjectNode t = o.putObject("trigger");
    if (j.trigger() instanceof Trigger.OnEvent e) {
      t.put("event", e.eventType());
      if (!e.where().isEmpty()) {
        ObjectNode w = t.putObject("where");
        new TreeMap<>(e.where()).forEach((k, v) -> w.set(k, JsonValues.toJson(v)));
      }
    } else if (j.trigger() instanceof Trigger.OnSegment s) {
      t.put("segment", s.segment());
      t.put("on", s.entering() ? "enter" : "exit");
    }
    ArrayNode steps = o.putArray("steps");
    for (Step s : j.steps()) {
      ObjectNode n = steps.addObject();
      n.put("id", s.id());
      if (s instanceof Step.Wait w) {
        n.put("wait", w.duration().toString());
        n.put("next", w.then());
      } else if (s instanceof Step.Branch b) {
        n.put("branch", b.rule());
        n.put("yes", b.yes());
        n.put("no", b.no());
      } else if (s instanceof Step.Split sp) {
        n.putObject("split").put("holdout", sp.holdoutPercent());
        n.put("next", sp.then());
      } else if (s instanceof Step.SendEmail m) {
        n.put("send_email", m.template());
        if (m.then() != null) {
          n.put("next", m.then());
        }
      } else {
        n.put("exit", true);
      }
    }
    if (j.goal() != null) {
      o.put("goal", j.goal());
    }
    if (!j.exits().isEmpty()) {
      ArrayNode e = o.putArray("exits");
      j.exits().forEach(e::add);
    }
    Journey.Reentry r = j.reentry();
    o.put("reentry", r.mode() == Journey.Reentry.Mode.AFTER ? r.after().toString() : r.mode().name().toLowerCase(Locale.ROOT));
    if (!j.caps().isEmpty()) {
      ArrayNode caps = o.putArray("caps");
      for (Journey.FrequencyCap c : j.caps()) {
        caps.addObject().put("channel", c.channel()).put("max", c.max()).put("per", c.per().toString());
      }
    }
    if (!j.templates().isEmpty()) {
      ObjectNode ts = o.putObject("templates");
      for (String k : new TreeSet<>(j.templates().keySet())) {
        EmailTemplate e = j.templates().get(k);
        ObjectNode n = ts.putObject(k);
        n.put("subject", e.subject());
        n.put("body", e.body());
        if (!e.defaults().isEmpty()) {
          ObjectNode d = n.putObject("defaults");
          new TreeMap<>(e.defaults()).forEach(d::put);
        }
        if (e.recommendations() > 0) {
          n.put("recommendations", e.recommendations());
        }
      }
    }
    return o;
  }
}
