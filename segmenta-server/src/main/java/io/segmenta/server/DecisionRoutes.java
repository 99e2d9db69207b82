package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.experiment.Experiment;
import io.segmenta.core.experiment.Exposures;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.json.JsonValues;
import io.segmenta.core.value.Value;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/decide}: the variant of an experiment for a profile or an anonymous visitor, decided as
 * GrowthBook's SDKs decide it (the same unit gets the same variant on every call, and the one a browser SDK would
 * give it), with the exposure recorded as an {@code experiment_viewed} event when the unit takes part. A userId
 * the store has no profile for is assigned all the same, as GrowthBook assigns any id: it has no traits and is in
 * no segment, and its recorded exposure creates the profile.
 */
final class DecisionRoutes {
  private final Store store;
  private final Clock clock;

  DecisionRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(new Route("POST", "/v1/decide", Route.Access.WRITE,
        "The variant of an experiment for a userId or anonymousId; records the exposure",
        "{\"experiment\": key, \"userId\" | \"anonymousId\": id, \"attributes\": {...}, \"record\": true}", this::decide));
  }

  private void decide(Context ctx) {
    JsonNode body = Http.body(ctx, TrackingRoutes.CALL_LIMIT);
    String key = Http.text(body, "experiment");
    Experiment e = store.experimentDefinitions().find(key).orElseThrow(() -> new Http.Failure(404, "there is no experiment '" + key + "'"));
    String userId = id(body, "userId");
    String anonymousId = id(body, "anonymousId");
    if ((userId == null) == (anonymousId == null)) {
      throw new Http.Failure(400, "give exactly one of 'userId' and 'anonymousId', got " + (userId == null ? "neither" : "both"));
    }
    Map<String, Value> attributes = new LinkedHashMap<>();
    JsonNode attrs = body.path("attributes");
    if (!attrs.isMissingNode() && !attrs.isObject()) {
      throw new Http.Failure(400, "field 'attributes' must be an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> a = it.next();
      attributes.put(a.getKey(), JsonValues.fromJson(a.getValue()));
    }
    boolean record = !body.has("record") || body.get("record").asBoolean(true);
    Exposures.Outcome o = new Exposures(store.profiles(), new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock), clock).assign(e, userId, anonymousId, attributes, record);
    ObjectNode out = Http.JSON.createObjectNode();
    out.put("experiment", key);
    out.put("unit", o.unit());
    out.put("inExperiment", o.decision().inExperiment());
    if (o.decision().inExperiment()) {
      out.put("variant", o.decision().variantKey());
      out.put("variationIndex", o.decision().variation());
      out.set("value", JsonValues.toJson(o.decision().value()));
    } else {
      out.putNull("variant");
    }
    out.put("hashUsed", o.decision().hashUsed());
    if (o.decision().hashAttribute() != null) {
      out.put("hashAttribute", o.decision().hashAttribute());
    }
    out.put("stickyBucketUsed", o.decision().stickyBucketUsed());
    out.put("reason", o.decision().reason());
    out.put("exposureRecorded", o.recorded());
    out.put("newProfile", o.newProfile());
    Http.json(ctx, 200, out);
  }

  /** An id as GrowthBook's SDKs take it: text, or a number (as its text); anything else is refused by name. */
  private static String id(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if ((!v.isTextual() && !v.isNumber()) || v.asText().isBlank()) {
      throw new Http.Failure(400, "field '" + field + "': expected a non-empty text id, got " + (v.isTextual() ? "\"\"" : v.getNodeType().name().toLowerCase(Locale.ROOT)));
    }
    return v.asText();
  }
}
