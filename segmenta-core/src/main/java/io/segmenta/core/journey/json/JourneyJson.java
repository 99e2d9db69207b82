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
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
 *  "trigger": {"event": "order", "where": {"currency": "EUR"}}      (or {"segment": "vip", "on": "enter"|"exit"},
 *              {"segment": "lapsed", "every": "P7D"}, {"date": "birth_date", "at": "09:00"}),
 *  "timezone": "Europe/Berlin", "quiet_hours": {"from": "21:00", "to": "08:00"},
 *  "steps": [{"id": "pause", "wait": "PT2H", "next": "thanks"},
 *            {"id": "thanks", "send_email": "thank_you", "next": "done"},
 *            {"id": "vip", "branch": "segment vip", "yes": "a", "no": "b"},
 *            {"id": "ab", "split": {"holdout": 10}, "next": "thanks"},
 *            {"id": "nine", "wait_until": "09:00", "next": "..."},
 *            {"id": "bday", "wait_until_date": "birth_date", "at": "09:00", "next": "..."},
 *            {"id": "bought", "wait_for": "orders >= 2", "timeout": "P7D", "yes": "...", "no": "..."},
 *            {"id": "hook", "webhook": "https://example.com/hook", "next": "..."},
 *            {"id": "tier", "set_trait": {"loyalty_tier": "gold"}, "next": "..."},
 *            {"id": "ads", "add_to_audience": "vip-meta", "next": "..."}    (or "remove_from_audience": a destination),
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
  private static final Set<String> FIELDS = Set.of("key", "version", "description", "trigger", "steps", "goal", "exits", "reentry", "caps", "templates",
      "timezone", "quiet_hours");
  private static final Set<String> STEP_KINDS = Set.of("wait", "wait_until", "wait_until_date", "wait_for", "branch", "split", "send_email",
      "webhook", "set_trait", "add_to_audience", "remove_from_audience", "exit");
  private static final Set<String> STEP_FIELDS = Set.of("id", "wait", "wait_until", "wait_until_date", "at", "wait_for", "timeout", "branch", "split",
      "send_email", "webhook", "set_trait", "add_to_audience", "remove_from_audience", "exit", "next", "yes", "no");

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
          n.path("goal").isTextual() ? n.path("goal").asText() : null, exits, reentry(n.path("reentry"), where), caps, templates,
          zone(n.path("timezone"), where), quietHours(n.path("quiet_hours"), where));
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage().startsWith("journey") ? e.getMessage() : where + ": " + e.getMessage());
    }
  }

  private static Trigger trigger(JsonNode t, String where) {
    if (!t.isObject()) {
      throw new UserException(where + ": 'trigger' must be an object with 'event' or 'segment'");
    }
    known(t, Set.of("event", "where", "segment", "on", "every", "date", "at"), where + ", trigger");
    if (t.has("date")) {
      return new Trigger.OnDate(t.path("date").asText(), t.has("at") ? time(t.path("at"), where + ", trigger 'at'") : null);
    }
    if (t.has("segment") && t.has("every")) {
      return new Trigger.OnSchedule(t.path("segment").asText(), duration(t.path("every"), where + ", trigger 'every'"));
    }
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
    throw new UserException(where + ": the trigger needs 'event', 'segment' (with 'on' or 'every') or 'date'");
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
      case "wait_until" -> new Step.WaitUntil(id, time(s.path("wait_until"), at), need(next, at));
      case "wait_until_date" -> new Step.WaitForDate(id, s.path("wait_until_date").asText(null), s.has("at") ? time(s.path("at"), at + " 'at'") : null,
          need(next, at));
      case "wait_for" -> new Step.WaitFor(id, s.path("wait_for").asText(null), duration(s.path("timeout"), at + " 'timeout'"),
          need(s.path("yes").asText(null), at + " yes"), need(s.path("no").asText(null), at + " no"));
      case "webhook" -> new Step.Webhook(id, url(s.path("webhook"), at), next);
      case "set_trait" -> {
        if (!s.path("set_trait").isObject()) {
          throw new UserException(at + ": 'set_trait' is an object of traits and values, like {\"loyalty_tier\": \"gold\"}");
        }
        Map<String, Value> traits = new LinkedHashMap<>();
        s.path("set_trait").fields().forEachRemaining(e -> traits.put(e.getKey(), JsonValues.fromJson(e.getValue())));
        yield new Step.SetTraits(id, traits, next);
      }
      case "branch" -> new Step.Branch(id, s.path("branch").asText(null), need(s.path("yes").asText(null), at + " yes"),
          need(s.path("no").asText(null), at + " no"));
      case "split" -> {
        known(s.path("split"), Set.of("holdout"), at + ", split");
        yield new Step.Split(id, s.path("split").path("holdout").asInt(0), need(next, at));
      }
      case "send_email" -> new Step.SendEmail(id, s.path("send_email").asText(null), next);
      case "add_to_audience" -> new Step.Audience(id, s.path("add_to_audience").asText(null), true, next);
      case "remove_from_audience" -> new Step.Audience(id, s.path("remove_from_audience").asText(null), false, next);
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

  private static LocalTime time(JsonNode t, String where) {
    try {
      return LocalTime.parse(t.asText());
    } catch (DateTimeParseException e) {
      throw new UserException(where + ": a time of day is HH:MM like 09:00, got '" + t.asText() + "'");
    }
  }

  private static URI url(JsonNode u, String where) {
    try {
      return new URI(u.asText());
    } catch (URISyntaxException e) {
      throw new UserException(where + ": 'webhook' is an http(s) URL, got '" + u.asText() + "'");
    }
  }

  private static ZoneId zone(JsonNode z, String where) {
    if (z.isMissingNode() || z.isNull()) {
      return null;
    }
    try {
      return ZoneId.of(z.asText());
    } catch (DateTimeException e) {
      throw new UserException(where + ": 'timezone' is an IANA time zone like Europe/Berlin, got '" + z.asText() + "'");
    }
  }

  private static Journey.QuietHours quietHours(JsonNode q, String where) {
    if (q.isMissingNode() || q.isNull()) {
      return null;
    }
    known(q, Set.of("from", "to"), where + ", quiet_hours");
    return new Journey.QuietHours(time(q.path("from"), where + ", quiet_hours 'from'"), time(q.path("to"), where + ", quiet_hours 'to'"));
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
    } else if (j.trigger() instanceof Trigger.OnSchedule s) {
      t.put("segment", s.segment());
      t.put("every", s.every().toString());
    } else if (j.trigger() instanceof Trigger.OnDate d) {
      t.put("date", d.trait());
      t.put("at", d.at().toString());
    }
    ArrayNode steps = o.putArray("steps");
    for (Step s : j.steps()) {
      ObjectNode n = steps.addObject();
      n.put("id", s.id());
      if (s instanceof Step.Wait w) {
        n.put("wait", w.duration().toString());
        n.put("next", w.then());
      } else if (s instanceof Step.WaitUntil w) {
        n.put("wait_until", w.time().toString());
        n.put("next", w.then());
      } else if (s instanceof Step.WaitForDate w) {
        n.put("wait_until_date", w.trait());
        n.put("at", w.at().toString());
        n.put("next", w.then());
      } else if (s instanceof Step.WaitFor w) {
        n.put("wait_for", w.rule());
        n.put("timeout", w.timeout().toString());
        n.put("yes", w.yes());
        n.put("no", w.no());
      } else if (s instanceof Step.Webhook w) {
        n.put("webhook", w.url().toString());
        if (w.then() != null) {
          n.put("next", w.then());
        }
      } else if (s instanceof Step.SetTraits st) {
        ObjectNode tr = n.putObject("set_trait");
        new TreeMap<>(st.traits()).forEach((k, v) -> tr.set(k, JsonValues.toJson(v)));
        if (st.then() != null) {
          n.put("next", st.then());
        }
      } else if (s instanceof Step.Branch b) {
        n.put("branch", b.rule());
        n.put("yes", b.yes());
        n.put("no", b.no());
      } else if (s instanceof Step.Split sp) {
        n.putObject("split").put("holdout", sp.holdoutPercent());
        n.put("next", sp.then());
      } else if (s instanceof Step.Audience a) {
        n.put(a.add() ? "add_to_audience" : "remove_from_audience", a.destination());
        if (a.then() != null) {
          n.put("next", a.then());
        }
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
    if (!j.zone().equals(ZoneOffset.UTC)) {
      o.put("timezone", j.zone().getId());
    }
    if (j.quietHours() != null) {
      o.putObject("quiet_hours").put("from", j.quietHours().from().toString()).put("to", j.quietHours().to().toString());
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
