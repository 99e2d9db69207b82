package io.segmenta.server;

import static io.segmenta.server.AdminRoutes.instant;
import static io.segmenta.server.AdminRoutes.ruleText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.ParsedRule;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.json.RuleJson;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import io.segmenta.core.port.AudienceQuery;

/** Rules under the admin key: parse and type-check one, and count the profiles it selects. */
final class RuleRoutes {
  private final Store store;
  private final Clock clock;

  RuleRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(
        new Route("POST", "/admin/rules/check", Route.Access.ADMIN, "Parse and type-check a rule; its canonical text and JSON", "{\"rule\"}", this::check),
        new Route("POST", "/admin/rules/preview", Route.Access.ADMIN, "How many profiles a rule selects (?sample=N for a fast estimate)", "{\"rule\", \"asOf\"}", this::preview));
  }

  private Segments segments() {
    return new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
  }

  private void check(Context ctx) {
    JsonNode b = Http.body(ctx, 256 * 1024);
    ParsedRule parsed = segments().check(ruleText(b));
    ObjectNode o = Http.JSON.createObjectNode().put("ok", true).put("rule", RuleText.print(parsed.rule()));
    o.set("ruleJson", RuleJson.toJson(parsed.rule()));
    Http.json(ctx, 200, o);
  }

  private void preview(Context ctx) {
    JsonNode b = Http.body(ctx, 256 * 1024);
    Rule rule = segments().check(ruleText(b)).rule();
    Instant at = b.hasNonNull("asOf") ? instant("asOf", b.get("asOf").asText()) : clock.instant();
    int sample = Http.intParam(ctx, "sample", 1, 1, 1000);
    long n = sample == 1 ? store.audiences().run(new AudienceQuery.Count(rule, at)) : store.audiences().run(new AudienceQuery.Sample(rule, at, sample));
    Http.json(ctx, 200, Http.JSON.createObjectNode().put("count", n).put("sampled", sample > 1).put("asOf", at.toString()));
  }
}
