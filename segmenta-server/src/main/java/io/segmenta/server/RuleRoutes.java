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
import io.segmenta.core.segment.BeforeSaving;
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
        new Route("POST", "/admin/rules/preview", Route.Access.ADMIN, "How many profiles a rule selects (?sample=N for a fast estimate)", "{\"rule\", \"asOf\"}", this::preview),
        new Route("POST", "/admin/rules/funnel", Route.Access.ADMIN, "Before saving: the size after each top-level condition, the size reachable per consent purpose, and the cost (sampled above 100,000 profiles, and said so)",
            "{\"rule\", \"asOf\"}", this::funnel));
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

  private void funnel(Context ctx) {
    JsonNode b = Http.body(ctx, 256 * 1024);
    Rule rule = segments().check(ruleText(b)).rule();
    Instant at = b.hasNonNull("asOf") ? instant("asOf", b.get("asOf").asText()) : clock.instant();
    BeforeSaving.Report r = BeforeSaving.of(store.audiences(), store.profiles().stats().profiles(), rule, at);
    ObjectNode o = Http.JSON.createObjectNode().put("asOf", at.toString()).put("population", r.population()).put("sampled", r.sampled())
        .put("sampleEvery", r.sampleEvery()).put("profilesRead", r.read()).put("how", r.how()).put("size", r.size());
    r.funnel().forEach(s -> o.withArray("funnel").addObject().put("condition", s.condition()).put("size", s.size()).put("margin", s.margin()));
    r.reach().forEach(x -> o.withArray("reachable").addObject().put("purpose", x.purpose()).put("size", x.size()).put("margin", x.margin()));
    o.putObject("cost").put("rowsScanned", r.cost().rowsScanned()).put("millis", r.cost().millis()).put("batchMillisUpTo", r.cost().batchMillis())
        .put("eventRowsPerProfile", r.cost().rowsPerProfile());
    Http.json(ctx, 200, o);
  }
}
