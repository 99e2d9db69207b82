package io.segmenta.server;

import io.javalin.http.Context;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.summary.Breakdown;
import io.segmenta.core.summary.SummaryJson;
import io.segmenta.core.summary.TraitSummaries;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The admin API of the first answers a marketer asks: what the traits hold (over a segment, beside everyone), and a
 * segment broken down by a trait or two with an outcome rate per group. Read-only; the same JSON as the CLI's.
 */
final class SummaryRoutes {
  private final Store store;
  private final Clock clock;

  SummaryRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/admin/traits", Route.Access.ADMIN,
            "What each trait holds: coverage, missing, distinct and top values, number statistics and histogram"
                + " (?segment=name or rule, ?everyone=true beside everyone, ?trait= repeatable, ?top=5, ?asOf)", null, this::traits),
        new Route("GET", "/admin/breakdown", Route.Access.ADMIN,
            "A segment by one or two traits (?by= once or twice): size, share, outcome rate (?outcome=rule) with a 95 % Wilson interval,"
                + " index, chi-square (?segment, ?bins=5, ?asOf)", null, this::breakdown));
  }

  private Instant asOf(Context ctx) {
    String s = ctx.queryParam("asOf");
    return s == null ? clock.instant() : AdminRoutes.instant("asOf", s);
  }

  private void traits(Context ctx) {
    String segment = ctx.queryParam("segment");
    Rule rule = segment == null ? null : new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock).ruleOf(segment);
    int top = Http.intParam(ctx, "top", 5, 1, 100);
    boolean everyone = Boolean.parseBoolean(ctx.queryParam("everyone"));
    TraitSummaries.Report r = TraitSummaries.summarise(store.catalog(), store.audiences(), asOf(ctx), segment, rule, everyone && segment != null, ctx.queryParams("trait"), top);
    Http.json(ctx, 200, SummaryJson.traits(r));
  }

  private void breakdown(Context ctx) {
    List<String> by = ctx.queryParams("by");
    if (by.isEmpty() || by.size() > 2) {
      throw new Http.Failure(400, "by: give one or two traits (?by=trait), got " + by.size());
    }
    Segments segs = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
    String segment = ctx.queryParam("segment");
    String outcome = ctx.queryParam("outcome");
    Breakdown.Report r = Breakdown.run(store.catalog(), store.audiences(), asOf(ctx), by, segment, segment == null ? null : segs.ruleOf(segment), outcome,
        outcome == null ? null : segs.ruleOf(outcome), Http.intParam(ctx, "bins", 5, 2, 20));
    Http.json(ctx, 200, SummaryJson.breakdown(r, List.of()));
  }
}
