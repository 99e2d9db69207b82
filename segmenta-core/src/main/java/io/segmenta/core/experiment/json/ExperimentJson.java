package io.segmenta.core.experiment.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.UserException;
import io.segmenta.core.experiment.Allocation;
import io.segmenta.core.experiment.Assignment;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Metric;
import io.segmenta.core.experiment.Targeting;
import io.segmenta.core.experiment.Variant;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import io.segmenta.core.rule.Rule;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.TreeSet;

/**
 * The JSON form of an experiment, for the store and the API. It reads GrowthBook's experiment objects as they are
 * ({@code variations}, {@code weights}, {@code coverage}, {@code condition}, {@code namespace: [id, start, end]},
 * {@code hashAttribute}, {@code hashVersion}, {@code seed}, {@code ranges}, {@code filters}, {@code force},
 * {@code active}; hash version 1 when absent, as in the SDKs), with the SDK payload's {@code name}, {@code phase}
 * and {@code meta} (variation keys, names, passthrough) kept, and its sticky-bucketing fields ({@code bucketVersion},
 * {@code minBucketVersion}, {@code disableStickyBucketing}, {@code fallbackAttribute}) applied by
 * {@link Assignment#decide}. {@code parentConditions} (prerequisite feature flags) cannot be evaluated here, so a
 * non-empty list is refused rather than ignored. Segmenta's own fields: {@code variants} with keys, {@code segment},
 * {@code metrics}, {@code guardrails}, {@code window}, {@code exposureFilter}, {@code start}, {@code stop}. Unknown
 * fields are errors, so a typo never silently changes an experiment. Printing writes the canonical form, which reads
 * back to an equal experiment.
 */
public final class ExperimentJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Set<String> FIELDS = Set.of("key", "description", "variants", "variations", "weights", "coverage",
      "condition", "segment", "namespace", "hashAttribute", "hashVersion", "seed", "ranges", "filters", "force", "active",
      "metrics", "guardrails", "window", "exposureFilter", "start", "stop", "name", "phase", "meta", "bucketVersion",
      "minBucketVersion", "disableStickyBucketing", "fallbackAttribute", "parentConditions");
  private static final Set<String> META_FIELDS = Set.of("key", "name", "passthrough");

  private ExperimentJson() {}

  public static Experiment parse(String json) {
    try {
      return parse(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new UserException("the experiment is not valid JSON: " + e.getOriginalMessage());
    }
  }

  public static Experiment parse(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new UserException("an experiment is a JSON object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new UserException("experiment field '" + f + "' is unknown; known fields: " + new TreeSet<>(FIELDS));
      }
    }
    String key = text(n, "key", null);
    if (key == null) {
      throw new UserException("experiment field 'key' is required");
    }
    try {
      List<Variant> variants = variants(n);
      Allocation.Namespace ns = namespace(n.get("namespace"));
      List<Allocation.Filter> filters = new ArrayList<>();
      if (n.has("filters")) {
        for (JsonNode f : array(n, "filters")) {
          filters.add(new Allocation.Filter(text(f, "attribute", null), text(f, "seed", ""), f.path("hashVersion").asInt(2), ranges(f.get("ranges"), "filters.ranges")));
        }
      }
      Integer force = n.hasNonNull("force") ? Integer.valueOf(n.get("force").asInt()) : null;
      parentConditions(n.get("parentConditions"));
      Allocation.Sticky sticky = new Allocation.Sticky(!bool(n, "disableStickyBucketing", false), whole(n, "bucketVersion"),
          whole(n, "minBucketVersion"), text(n, "fallbackAttribute", null));
      Allocation a = new Allocation(variants, number(n, "coverage", 1.0), ns, text(n, "hashAttribute", "id"), text(n, "seed", null),
          n.path("hashVersion").asInt(1), n.hasNonNull("ranges") ? ranges(n.get("ranges"), "ranges") : null, filters, force,
          n.path("active").asBoolean(true), sticky);
      Targeting t = new Targeting(text(n, "segment", null), n.hasNonNull("condition") ? condition(n.get("condition")) : null);
      List<Metric> metrics = new ArrayList<>();
      metrics(n, "metrics", false, metrics);
      metrics(n, "guardrails", true, metrics);
      Duration window = n.hasNonNull("window") ? duration(n.get("window")) : Duration.ofDays(14);
      Rule exposure = null;
      if (n.hasNonNull("exposureFilter")) {
        try {
          exposure = RuleText.parseRule(n.get("exposureFilter").asText());
        } catch (RuleException e) {
          throw new UserException("experiment field 'exposureFilter': " + e.getMessage());
        }
      }
      return new Experiment(key, text(n, "description", null), a, t, metrics, window, exposure, instant(n, "start"), instant(n, "stop"),
          text(n, "name", null), text(n, "phase", null));
    } catch (IllegalArgumentException e) {
      throw new UserException("experiment '" + key + "': " + e.getMessage());
    }
  }

  private static List<Variant> variants(JsonNode n) {
    List<Variant> out = new ArrayList<>();
    if (n.has("variants")) {
      if (n.has("variations") || n.has("weights") || n.has("meta")) {
        throw new UserException("experiment: give either 'variants' or GrowthBook's 'variations', 'weights' and 'meta', not both");
      }
      JsonNode vs = array(n, "variants");
      double[] equal = Assignment.equalWeights(vs.size());
      int i = 0;
      for (JsonNode v : vs) {
        if (v.isTextual()) {
          out.add(new Variant(v.asText(), equal[i], Value.NULL));
        } else {
          String k = text(v, "key", null);
          if (k == null) {
            throw new UserException("experiment field 'variants[" + i + "].key' is required");
          }
          out.add(new Variant(k, v.hasNonNull("weight") ? v.get("weight").asDouble() : equal[i], JsonValues.fromJson(v.get("value")),
              text(v, "name", null), bool(v, "passthrough", false)));
        }
        i++;
      }
    } else {
      JsonNode vs = array(n, "variations");
      double[] w = equalOr(vs.size(), n.get("weights"));
      JsonNode meta = n.hasNonNull("meta") ? array(n, "meta") : F.arrayNode();
      int i = 0;
      for (JsonNode v : vs) {
        // GrowthBook's result key is meta[i].key, else the index: what exposures record and sticky buckets store.
        JsonNode m = i < meta.size() ? meta.get(i) : F.objectNode();
        if (!m.isObject()) {
          throw new UserException("experiment field 'meta[" + i + "]': expected an object with key, name, passthrough; got " + m);
        }
        for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
          String f = it.next();
          if (!META_FIELDS.contains(f)) {
            throw new UserException("experiment field 'meta[" + i + "]." + f + "' is unknown; known: " + new TreeSet<>(META_FIELDS));
          }
        }
        String key = text(m, "key", null);
        out.add(new Variant(key == null || key.isEmpty() ? Integer.toString(i) : key, w[i], JsonValues.fromJson(v), text(m, "name", null),
            bool(m, "passthrough", false)));
        i++;
      }
    }
    return out;
  }

  /** GrowthBook's weights as given (assignment falls back to equal ones when they are unusable), or equal weights. */
  private static double[] equalOr(int size, JsonNode weights) {
    double[] w = Assignment.equalWeights(size);
    if (weights != null && weights.isArray() && weights.size() == size) {
      for (int i = 0; i < size; i++) {
        w[i] = Math.max(0, Math.min(1, weights.get(i).asDouble()));
      }
    }
    return w;
  }

  private static Allocation.Namespace namespace(JsonNode ns) {
    if (ns == null || ns.isNull()) {
      return null;
    }
    if (ns.isArray() && ns.size() == 3) {
      return new Allocation.Namespace(ns.get(0).asText(), ns.get(1).asDouble(), ns.get(2).asDouble());
    }
    if (ns.isObject()) {
      return new Allocation.Namespace(text(ns, "id", null), ns.path("start").asDouble(0), ns.path("end").asDouble(1));
    }
    throw new UserException("experiment field 'namespace': expected [id, start, end] or {\"id\", \"start\", \"end\"}");
  }

  private static List<double[]> ranges(JsonNode a, String field) {
    if (a == null || !a.isArray()) {
      throw new UserException("experiment field '" + field + "': expected a list of [start, end] pairs");
    }
    List<double[]> out = new ArrayList<>();
    for (JsonNode r : a) {
      if (!r.isArray() || r.size() != 2) {
        throw new UserException("experiment field '" + field + "': expected [start, end], got " + r);
      }
      out.add(new double[] {r.get(0).asDouble(), r.get(1).asDouble()});
    }
    return out;
  }

  private static Rule condition(JsonNode c) {
    try {
      return RuleJson.parse(c).rule();
    } catch (RuleException e) {
      throw new UserException("experiment field 'condition': " + e.getMessage());
    }
  }

  private static void metrics(JsonNode n, String field, boolean guardrail, List<Metric> out) {
    if (!n.has(field)) {
      return;
    }
    for (JsonNode m : array(n, field)) {
      if (m.isTextual()) {
        out.add(Metric.parse(m.asText(), guardrail));
      } else {
        String name = text(m, "name", null);
        String def = text(m, "definition", null);
        if (name == null || def == null) {
          throw new UserException("experiment field '" + field + "': each metric needs 'name' and 'definition', got " + m);
        }
        Metric parsed = Metric.parse(name + " = " + def, guardrail);
        out.add(m.has("lowerIsBetter") ? parsed.withLowerIsBetter(m.get("lowerIsBetter").asBoolean()) : parsed);
      }
    }
  }

  /** {@code "P14D"}, {@code "14d"}, {@code "36h"} or a number of days. */
  public static Duration duration(JsonNode w) {
    if (w.isNumber()) {
      return Duration.ofSeconds(Math.round(w.asDouble() * 86400));
    }
    return duration(w.asText());
  }

  public static Duration duration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.matches("\\d+d")) {
        return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      if (t.matches("\\d+h")) {
        return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      return Duration.parse(s.trim());
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new UserException("window: expected a duration such as 14d, 36h or P14D, got '" + s + "'");
    }
  }

  private static Instant instant(JsonNode n, String field) {
    if (!n.hasNonNull(field)) {
      return null;
    }
    String s = n.get(field).asText();
    try {
      return s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new UserException("experiment field '" + field + "': expected a date such as 2025-06-01 or an instant such as 2025-06-01T00:00:00Z, got '" + s + "'");
    }
  }

  private static JsonNode array(JsonNode n, String field) {
    JsonNode a = n.get(field);
    if (a == null || !a.isArray()) {
      throw new UserException("experiment field '" + field + "': expected a list");
    }
    return a;
  }

  private static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isValueNode()) {
      throw new UserException("experiment field '" + field + "': expected text, got " + v);
    }
    return v.asText();
  }

  /**
   * GrowthBook's prerequisites: each names a feature flag whose value must meet a condition. Segmenta holds no
   * feature flags to evaluate, and dropping the check would put units in the experiment that GrowthBook keeps out,
   * so a non-empty list is refused with the way out.
   */
  private static void parentConditions(JsonNode p) {
    if (p == null || p.isNull() || (p.isArray() && p.isEmpty())) {
      return;
    }
    if (!p.isArray()) {
      throw new UserException("experiment field 'parentConditions': expected a list, got " + p.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    throw new UserException("experiment field 'parentConditions': prerequisite feature flags (" + p.get(0).path("id").asText("?")
        + ") cannot be evaluated by Segmenta, which holds no feature flags, and ignoring them would assign units GrowthBook keeps out;"
        + " remove them, or put the prerequisite's attributes in 'condition'");
  }

  private static boolean bool(JsonNode n, String field, boolean dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw new UserException("experiment field '" + field + "': expected true or false, got " + v);
    }
    return v.asBoolean();
  }

  /** A whole number >= 0 (0 when absent), as GrowthBook's bucket versions are. */
  private static int whole(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > Integer.MAX_VALUE) {
      throw new UserException("experiment field '" + field + "': expected a whole number >= 0, got " + v);
    }
    return v.asInt();
  }

  private static double number(JsonNode n, String field, double dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw new UserException("experiment field '" + field + "': expected a number, got " + v);
    }
    return v.asDouble();
  }

  /** The canonical JSON of an experiment. */
  public static ObjectNode toJson(Experiment e) {
    ObjectNode o = F.objectNode();
    o.put("key", e.key());
    if (e.description() != null) {
      o.put("description", e.description());
    }
    if (e.name() != null) {
      o.put("name", e.name());
    }
    if (e.phase() != null) {
      o.put("phase", e.phase());
    }
    Allocation a = e.allocation();
    ArrayNode vs = o.putArray("variants");
    for (Variant v : a.variants()) {
      ObjectNode x = vs.addObject().put("key", v.key()).put("weight", v.weight());
      if (!v.value().isNull()) {
        x.set("value", JsonValues.toJson(v.value()));
      }
      if (v.name() != null) {
        x.put("name", v.name());
      }
      if (v.passthrough()) {
        x.put("passthrough", true);
      }
    }
    o.put("coverage", a.coverage());
    if (e.targeting().segment() != null) {
      o.put("segment", e.targeting().segment());
    }
    if (e.targeting().condition() != null) {
      o.set("condition", RuleJson.toJson(e.targeting().condition()));
    }
    if (a.namespace() != null) {
      o.putArray("namespace").add(a.namespace().id()).add(a.namespace().start()).add(a.namespace().end());
    }
    o.put("hashAttribute", a.hashAttribute());
    o.put("hashVersion", a.hashVersion());
    if (a.seed() != null) {
      o.put("seed", a.seed());
    }
    if (a.ranges() != null) {
      ArrayNode r = o.putArray("ranges");
      a.ranges().forEach(x -> r.addArray().add(x[0]).add(x[1]));
    }
    if (!a.filters().isEmpty()) {
      ArrayNode fs = o.putArray("filters");
      for (Allocation.Filter f : a.filters()) {
        ObjectNode x = fs.addObject();
        if (f.attribute() != null) {
          x.put("attribute", f.attribute());
        }
        x.put("seed", f.seed()).put("hashVersion", f.hashVersion());
        ArrayNode r = x.putArray("ranges");
        f.ranges().forEach(y -> r.addArray().add(y[0]).add(y[1]));
      }
    }
    if (a.force() != null) {
      o.put("force", a.force());
    }
    if (!a.active()) {
      o.put("active", false);
    }
    Allocation.Sticky st = a.sticky();
    if (st.bucketVersion() > 0) {
      o.put("bucketVersion", st.bucketVersion());
    }
    if (st.minBucketVersion() > 0) {
      o.put("minBucketVersion", st.minBucketVersion());
    }
    if (!st.enabled()) {
      o.put("disableStickyBucketing", true);
    }
    if (st.fallbackAttribute() != null) {
      o.put("fallbackAttribute", st.fallbackAttribute());
    }
    ArrayNode ms = o.putArray("metrics");
    ArrayNode gs = o.putArray("guardrails");
    for (Metric m : e.metrics()) {
      ObjectNode x = (m.guardrail() ? gs : ms).addObject().put("name", m.name()).put("definition", m.text().substring(m.name().length() + 3));
      if (m.lowerIsBetter() != (m.kind() != Metric.Kind.CONVERSION && m.guardrail())) {
        x.put("lowerIsBetter", m.lowerIsBetter());
      }
    }
    o.put("window", e.window().toString());
    if (e.exposureFilter() != null) {
      o.put("exposureFilter", RuleText.print(e.exposureFilter()));
    }
    if (e.start() != null) {
      o.put("start", e.start().toString());
    }
    if (e.stop() != null) {
      o.put("stop", e.stop().toString());
    }
    return o;
  }

  public static String print(Experiment e) {
    return toJson(e).toString();
  }
}
