package io.segmenta.core.email.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.segmenta.core.UserException;
import io.segmenta.core.personalize.Recommendations;
import io.segmenta.core.value.Value;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders {@link EmailTemplate}s for one profile at a time. One engine, strict about undefined variables, HTML
 * autoescaping on for bodies and off for subjects (which are plain text, with line breaks removed).
 */
public final class EmailRenderer {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("key", "subject", "body", "defaults", "recommendations");

  private final PebbleEngine html = new PebbleEngine.Builder().loader(new StringLoader()).strictVariables(true).autoEscaping(true)
      .defaultEscapingStrategy("html").cacheActive(false).build();
  private final PebbleEngine text = new PebbleEngine.Builder().loader(new StringLoader()).strictVariables(true).autoEscaping(false)
      .cacheActive(false).build();
  /** Templates kept compiled, per engine. */
  static final int KEPT = 64;
  private final Map<String, PebbleTemplate> htmlKept = kept();
  private final Map<String, PebbleTemplate> textKept = kept();

  /**
   * A rendered e-mail.
   *
   * @param defaulted the variables that took a template default because the profile lacks them
   */
  public record Email(String profileId, String subject, String html, List<String> defaulted) {}

  /** What a template is rendered with: the profile's values, its segments and its recommendations. */
  public record Recipient(String profileId, Map<String, Value> traits, List<String> segments, List<Recommendations.Item> recommendations) {
    public Recipient {
      traits = Map.copyOf(traits);
      segments = List.copyOf(segments);
      recommendations = List.copyOf(recommendations);
    }
  }

  /** Checks a template's syntax (both parts) without rendering it. */
  public void check(EmailTemplate t) {
    compile(html, t, "body", t.body());
    compile(text, t, "subject", t.subject());
  }

  public Email render(EmailTemplate t, Recipient r) {
    Map<String, Object> context = new HashMap<>();
    List<String> defaulted = new ArrayList<>();
    for (Map.Entry<String, Value> e : r.traits().entrySet()) {
      if (!e.getValue().isNull()) {
        context.put(e.getKey(), plain(e.getValue()));
      }
    }
    for (Map.Entry<String, String> d : new TreeMap<>(t.defaults()).entrySet()) {
      if (!context.containsKey(d.getKey())) {
        context.put(d.getKey(), d.getValue());
        defaulted.add(d.getKey());
      }
    }
    context.put("segments", r.segments());
    List<Map<String, Object>> items = new ArrayList<>();
    for (Recommendations.Item i : r.recommendations()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("product_id", i.productId());
      m.put("reason", i.reason());
      m.put("score", i.score());
      items.add(m);
    }
    context.put("recommendations", items);
    String subject = evaluate(compile(text, t, "subject", t.subject()), t, "subject", context, r.profileId()).replaceAll("[\\r\\n]+", " ").strip();
    String body = evaluate(compile(html, t, "body", t.body()), t, "body", context, r.profileId());
    return new Email(r.profileId(), subject, body, defaulted);
  }

  /**
   * The last {@link #KEPT} sources compiled, least recently used out first (a {@link LinkedHashMap} in access order,
   * its documented LRU use): a journey renders one template for every recipient, and compiling it again for each was
   * half of the journey thread's time at 1,000 orders a second (JourneyBench, JFR samples). Bounded, because the
   * sources are users' text that changes (a preview compiles each edit); Pebble's own cache stays off.
   */
  private static Map<String, PebbleTemplate> kept() {
    return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, PebbleTemplate> eldest) {
        return size() > KEPT;
      }
    });
  }

  private PebbleTemplate compile(PebbleEngine engine, EmailTemplate t, String part, String source) {
    Map<String, PebbleTemplate> kept = engine == html ? htmlKept : textKept;
    PebbleTemplate p = kept.get(source);
    if (p == null) {
      p = compileNew(engine, t, part, source);
      kept.put(source, p);
    }
    return p;
  }

  private static PebbleTemplate compileNew(PebbleEngine engine, EmailTemplate t, String part, String source) {
    try {
      return engine.getTemplate(source);
    } catch (PebbleException e) {
      throw new UserException("template '" + t.key() + "', " + part + (e.getLineNumber() == null ? "" : " line " + e.getLineNumber())
          + ": " + e.getPebbleMessage());
    }
  }

  private static String evaluate(PebbleTemplate p, EmailTemplate t, String part, Map<String, Object> context, String profileId) {
    StringWriter w = new StringWriter();
    try {
      p.evaluate(w, context);
      return w.toString();
    } catch (PebbleException e) {
      String msg = e.getPebbleMessage();
      if (msg != null && msg.contains("does not exist")) {
        msg = msg + " (profile " + profileId + " has no such value: give the template a default for it, or write {{ name | default(\"...\") }})";
      }
      throw new UserException("template '" + t.key() + "', " + part + (e.getLineNumber() == null ? "" : " line " + e.getLineNumber()) + ": " + msg);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A value as templates see it: strings, numbers (whole numbers without ".0"), booleans, lists, dates as ISO text. */
  private static Object plain(Value v) {
    if (v instanceof Value.Str s) {
      return s.value();
    } else if (v instanceof Value.Num n) {
      double d = n.value();
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
    } else if (v instanceof Value.Bool b) {
      return b.value();
    } else if (v instanceof Value.ListValue l) {
      return l.items().stream().map(EmailRenderer::plain).toList();
    } else if (v instanceof Value.TimeValue t) {
      return t.value().toString();
    } else if (v instanceof Value.DateValue d) {
      return d.value().toString();
    }
    return v.toString();
  }

  /** Reads a template from JSON: {@code {"key", "subject", "body", "defaults": {...}, "recommendations": n}}. */
  public static EmailTemplate parse(String json) {
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UserException("the e-mail template is not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr());
    }
    if (n == null || !n.isObject()) {
      throw new UserException("an e-mail template is a JSON object with key, subject and body");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new UserException("e-mail template field '" + f + "' is unknown; known fields: " + new TreeSet<>(FIELDS));
      }
    }
    Map<String, String> defaults = new LinkedHashMap<>();
    JsonNode d = n.path("defaults");
    if (!d.isMissingNode() && !d.isObject()) {
      throw new UserException("e-mail template field 'defaults' must be an object of name: text");
    }
    d.fields().forEachRemaining(e -> defaults.put(e.getKey(), e.getValue().asText()));
    try {
      return new EmailTemplate(n.path("key").asText(null), n.path("subject").asText(null), n.path("body").asText(null), defaults,
          n.path("recommendations").asInt(0));
    } catch (IllegalArgumentException e) {
      throw new UserException("e-mail template: " + e.getMessage());
    }
  }

}
