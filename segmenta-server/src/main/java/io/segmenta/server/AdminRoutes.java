package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Instants;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API under the admin key, one routes class per resource: {@link SegmentRoutes}, {@link ChangeRoutes}
 * (the change stream and webhooks), {@link RuleRoutes}, {@link ProfileRoutes} (profiles and privacy),
 * {@link ExperimentRoutes} and {@link ConversionRoutes}, listed in this order (the order of {@code /openapi.json}).
 * Other resources are added by the server ({@link PersonalizeRoutes}, {@link ModelRoutes}, {@link ViolationRoutes},
 * {@link SummaryRoutes}, {@link StatusRoutes}). Here too the parameters the resources share: instants, rules,
 * identifiers and breakdowns by segment.
 */
final class AdminRoutes {
  private final Store store;
  private final Clock clock;
  private final RealtimeFeed feed;
  private final ProfileLifecycle lifecycle;
  private final Webhooks webhooks;

  AdminRoutes(Store store, Clock clock, RealtimeFeed feed, ProfileLifecycle lifecycle, Webhooks webhooks) {
    this.store = store;
    this.clock = clock;
    this.feed = feed;
    this.lifecycle = lifecycle;
    this.webhooks = webhooks;
  }

  List<Route> routes() {
    List<Route> all = new ArrayList<>();
    all.addAll(new SegmentRoutes(store, clock, feed).routes());
    all.addAll(new ChangeRoutes(store, feed, webhooks).routes());
    all.addAll(new RuleRoutes(store, clock).routes());
    all.addAll(new ProfileRoutes(store, clock, lifecycle).routes());
    all.addAll(new ExperimentRoutes(store, clock).routes());
    all.addAll(new ConversionRoutes(store, clock).routes());
    all.addAll(new WhyRoutes(store, clock).routes());
    return List.copyOf(all);
  }

  static Instant instant(String field, String s) {
    Instant at;
    try {
      at = s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new Http.Failure(400, "'" + field + "' must be a date such as 2025-06-01 or an instant such as 2025-06-01T00:00:00Z, got '" + s + "'");
    }
    if (!Instants.accepts(at)) {
      throw new Http.Failure(400, "'" + field + "' must be " + Instants.RANGE + ", got '" + s + "'");
    }
    return at;
  }

  /** A rule given as text, or as GrowthBook-style JSON (an object). */
  static String ruleText(JsonNode b) {
    JsonNode r = b.get("rule");
    if (r == null || r.isNull()) {
      throw new Http.Failure(400, "field 'rule' is required: rule text, or a JSON condition");
    }
    return r.isObject() ? r.toString() : r.asText();
  }

  /**
   * Every identifier, as a list per kind ({@code {"anonymous_id": ["a1", "a2"], "email": ["x@y.z"]}}): a person holds
   * an anonymous id per browser and device, and may have used several e-mails; an object of one value per kind
   * showed only the last of each.
   */
  static ObjectNode identifiersJson(List<Identifier> identifiers) {
    ObjectNode ids = Http.JSON.createObjectNode();
    for (Identifier i : identifiers) {
      (ids.has(i.kind()) ? (ArrayNode) ids.get(i.kind()) : ids.putArray(i.kind())).add(i.value());
    }
    return ids;
  }

  /** The rules of the segments a report breaks down by (?by=), by name. */
  static Map<String, Rule> breakdown(Segments s, List<String> by) {
    Map<String, Rule> out = new LinkedHashMap<>();
    for (String x : by) {
      out.put(x, s.ruleOf(x));
    }
    return out;
  }
}
