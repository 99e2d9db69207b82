package io.segmenta.server;

import static io.segmenta.server.AdminRoutes.breakdown;
import static io.segmenta.server.AdminRoutes.instant;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.conversion.Conversions;
import io.segmenta.core.store.Store;
import io.segmenta.core.segment.Segments;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import io.segmenta.core.conversion.ConversionsJson;
import io.segmenta.core.value.AsOfDefault;
import java.time.temporal.ChronoUnit;

/** Conversion tracking under the admin key: the rate of a goal per segment and period. */
final class ConversionRoutes {
  private final Store store;
  private final Clock clock;

  ConversionRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/admin/conversions", Route.Access.ADMIN,
            "Conversion rate per segment over time and over the whole range (?goal, ?by repeatable, default every saved segment, ?from, ?to exclusive, or ?asOf=now|latest|date|instant whose instant the range includes, ?period=day|week|month); the same JSON as segmenta conversions --format json", null, this::conversions));
  }

  private Segments segments() {
    return new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
  }

  private void conversions(Context ctx) {
    String goal = ctx.queryParam("goal") == null ? "count(order) >= 1" : ctx.queryParam("goal");
    String from = ctx.queryParam("from");
    if (from == null) {
      throw new Http.Failure(400, "?from is required: the first day of the range");
    }
    Conversions.Period p;
    try {
      p = Conversions.Period.valueOf(String.valueOf(ctx.queryParam("period") == null ? "month" : ctx.queryParam("period")).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Http.Failure(400, "?period must be day, week or month, got '" + ctx.queryParam("period") + "'");
    }
    // As the CLI: ?to is exclusive, and without it the range ends just after the as-of instant (?asOf: now, latest,
    // a date or an instant; by default now, or the newest event when the data ended long ago: AsOfDefault).
    Instant asOf = ctx.queryParam("to") != null ? null : reportAsOf(ctx.queryParam("asOf"));
    Instant to = asOf == null ? instant("to", ctx.queryParam("to")) : asOf.plus(1, ChronoUnit.MICROS);
    Conversions.Report r = Conversions.track(store.audiences(), Conversions.goal(goal), Conversions.segments(store.segmentDefinitions(), segments(), ctx.queryParams("by")), instant("from", from), to, p);
    Http.json(ctx, 200, ConversionsJson.of(r, asOf));
  }

  private Instant reportAsOf(String text) {
    Instant now = clock.instant();
    Instant last = store.profiles().stats().lastEvent();
    return text == null ? AsOfDefault.of(now, last) : text.equals("now") ? now : text.equals("latest") ? (last == null ? now : last)
        : text.length() == 10 ? instant("asOf", text).plus(1, ChronoUnit.DAYS).minus(1, ChronoUnit.MICROS) : instant("asOf", text);
  }
}
