package io.segmenta.web;

import java.util.TreeSet;
import io.segmenta.core.rule.IdentifierField;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.HttpStatus;
import io.segmenta.core.UserException;
import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.schema.EventTypeDef;
import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.segment.BeforeSaving;
import io.segmenta.core.segment.Segments;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The segment builder (issue 15): a rule written in the text syntax (highlighted and completed by {@code builder.js}
 * from the schema this page embeds) or built in a form over the rule's JSON form ({@link RuleJson}); both edit one
 * rule. As it changes, {@link #check} answers with the checked rule in both forms, its error at line and column, and
 * the before-saving figures ({@link BeforeSaving}); {@link #members} previews members; {@link #save} saves through
 * {@link Segments#save}, the API's own checks and messages.
 *
 * <p>Every request carries the rule as the editor holds it: {@code mode=text} with {@code rule}, or {@code mode=form}
 * with {@code json}; both are read by {@link Segments}, which takes text and JSON alike.
 */
final class BuilderPage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BuilderPage() {}

  static Map<String, Object> load(Visit v) {
    Map<String, Object> m = new HashMap<>();
    String from = param(v, "from");
    String rule = "";
    String name = "";
    String description = "";
    if (from != null && !from.isBlank()) {
      SegmentDefinition d = v.store().segmentDefinitions().find(from.trim())
          .orElseThrow(() -> new UserException("there is no saved segment named '" + from.trim() + "'"));
      rule = d.rule();
      name = d.name();
      description = d.description() == null ? "" : d.description();
    } else if (param(v, "rule") != null) {
      rule = param(v, "rule");
    }
    m.put("title", name.isEmpty() ? "New segment" : "Edit " + name);
    m.put("rule", rule);
    m.put("name", name);
    m.put("description", description);
    m.put("replace", !name.isEmpty());
    m.put("schemaJson", schemaJson(v).toString());
    return m;
  }

  /** The rule the request carries, as the editor holds it (text, or the form's JSON). */
  static String ruleOf(Visit v) {
    String mode = param(v, "mode");
    String r = "form".equals(mode) ? param(v, "json") : param(v, "rule");
    return r == null ? "" : r;
  }

  /** The live answer: the checked rule in both forms and the before-saving figures, or the error at its place. */
  static Map<String, Object> check(Visit v) {
    Map<String, Object> m = new HashMap<>();
    m.put("ok", false);
    m.put("empty", false);
    m.put("error", "");
    m.put("line", 0);
    m.put("column", 0);
    m.put("text", "");
    m.put("json", "");
    String rule = ruleOf(v);
    if (rule.isBlank()) {
      m.put("empty", true);
      return m;
    }
    ParsedRule parsed;
    try {
      parsed = segments(v).check(rule);
    } catch (RuleException e) {
      m.put("error", e.getMessage());
      m.put("line", e.line());
      m.put("column", e.column());
      return m;
    } catch (UserException e) {
      m.put("error", e.getMessage());
      return m;
    }
    m.put("ok", true);
    m.put("text", RuleText.print(parsed.rule()));
    m.put("json", RuleJson.print(parsed.rule()));
    long population = v.store().profiles().stats().profiles();
    BeforeSaving.Report r = BeforeSaving.of(v.store().audiences(), population, parsed.rule(), v.asOf());
    m.put("how", r.how());
    m.put("size", figure(r.size(), r.funnel().get(r.funnel().size() - 1).margin()));
    m.put("share", Numbers.percent(population == 0 ? Double.NaN : (double) r.size() / population));
    List<Map<String, Object>> steps = new ArrayList<>();
    int i = 1;
    for (BeforeSaving.Step s : r.funnel()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("n", i++);
      row.put("condition", s.condition());
      row.put("size", figure(s.size(), s.margin()));
      row.put("width", population == 0 ? 0 : Math.round(1000.0 * s.size() / population) / 10.0);
      steps.add(row);
    }
    m.put("funnel", steps);
    List<Map<String, Object>> reach = new ArrayList<>();
    for (BeforeSaving.Reach x : r.reach()) {
      reach.add(Map.of("purpose", x.purpose().replace('_', ' '), "size", figure(x.size(), x.margin())));
    }
    m.put("reach", reach);
    BeforeSaving.Cost c = r.cost();
    m.put("rowsScanned", c.rowsScanned() < 0 ? "unknown" : Numbers.count(c.rowsScanned()));
    m.put("millis", Numbers.count(c.millis()));
    m.put("batchMillis", r.sampled() ? "up to " + Numbers.count(c.batchMillis()) + " ms for the whole store" : "");
    m.put("perProfile", c.rowsPerProfile() < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f", c.rowsPerProfile()));
    return m;
  }

  /** Up to 20 members of the rule, linked to their profiles. */
  static Map<String, Object> members(Visit v) {
    Map<String, Object> m = new HashMap<>();
    String rule = ruleOf(v);
    m.put("error", "");
    m.put("members", List.of());
    try {
      ParsedRule parsed = segments(v).check(rule);
      List<Map<String, String>> rows = new ArrayList<>();
      for (String id : v.store().audiences().run(new AudienceQuery.Page(parsed.rule(), v.asOf(), 0, 20))) {
        rows.add(Map.of("id", id, "href", "/profiles/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20")));
      }
      m.put("members", rows);
    } catch (UserException e) {
      m.put("error", e.getMessage());
    }
    return m;
  }

  /**
   * Saves the rule under its name through {@link Segments#save} (the API's checks and messages), refusing to replace
   * a saved segment unless asked to, as {@code POST /admin/segments} does; then goes to the segment's page.
   */
  static String save(Visit v) {
    String name = Optional.ofNullable(param(v, "name")).orElse("").trim();
    boolean replace = "on".equals(param(v, "replace")) || "true".equals(param(v, "replace"));
    if (!replace && !name.isEmpty() && v.store().segmentDefinitions().find(name).isPresent()) {
      throw new UserException("segment '" + name + "' exists; tick \"replace\" to overwrite it");
    }
    String description = param(v, "description");
    SegmentDefinition d = segments(v).save(name, ruleOf(v), description == null || description.isBlank() ? null : description.trim());
    v.ctx().redirect("/segments/" + d.name(), HttpStatus.SEE_OTHER);
    return "saved " + d.name();
  }

  private static Segments segments(Visit v) {
    return new Segments(v.store().catalog(), v.store().segmentDefinitions(), v.store().scores(), Clock.systemUTC());
  }

  /** A form field, or the query parameter of that name (htmx's GETs). */
  static String param(Visit v, String name) {
    String f = v.ctx().formParam(name);
    return f != null ? f : v.ctx().queryParam(name);
  }

  private static String figure(long n, long margin) {
    return margin == 0 ? Numbers.count(n) : "about " + Numbers.count(n) + " ± " + Numbers.count(margin);
  }

  /**
   * What completion offers: traits (name, type, family), event types with their properties and types, saved
   * segments, aggregate functions, window units, and up to 12 known values of each text trait (from {@link KnownValues}).
   */
  static ObjectNode schemaJson(Visit v) {
    Schema s = v.store().catalog().schema();
    ObjectNode o = JSON.createObjectNode();
    ArrayNode traits = o.putArray("traits");
    for (TraitDef t : s.traits()) {
      if (t.family() != Family.CONTEXT) {
        traits.addObject().put("name", t.name()).put("type", t.type().label()).put("family", t.family().label());
      }
    }
    // The identifiers a rule may name bare (email exists) where no trait has the name: see IdentifierField.
    for (String kind : new TreeSet<>(IdentifierField.BARE)) {
      if (IdentifierField.kind(kind, s).isPresent()) {
        traits.addObject().put("name", kind).put("type", "string").put("family", "identifier");
      }
    }
    ArrayNode events = o.putArray("events");
    for (EventTypeDef e : s.eventTypes()) {
      ObjectNode x = events.addObject().put("name", e.name());
      ArrayNode props = x.putArray("properties");
      for (String p : e.properties()) {
        props.addObject().put("name", p).put("type", s.property(p).map(d -> d.type().label()).orElse("string"));
      }
    }
    ArrayNode segs = o.putArray("segments");
    v.store().segmentDefinitions().all().forEach(d -> segs.add(d.name()));
    ArrayNode fns = o.putArray("functions");
    for (Measure.Fn f : Measure.Fn.values()) {
      fns.addObject().put("name", f.label()).put("property", f.needsProperty);
    }
    o.set("values", KnownValues.of(v.store(), v.asOf()));
    return o;
  }
}
