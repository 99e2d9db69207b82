package io.segmenta.server;

import static io.segmenta.server.AdminRoutes.breakdown;
import static io.segmenta.server.AdminRoutes.instant;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.conversion.Conversions;
import io.segmenta.core.port.Store;
import io.segmenta.core.segment.Segments;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

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
            "Conversion rate per segment over time (?goal, ?by repeatable, ?from, ?to, ?period=day|week|month)", null, this::conversions));
  }

  private Segments segments() {
    return new Segments(store, clock);
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
    Instant to = ctx.queryParam("to") == null ? clock.instant() : instant("to", ctx.queryParam("to"));
    Conversions.Report r = Conversions.track(store, Conversions.goal(goal), breakdown(segments(), ctx.queryParams("by")), instant("from", from), to, p);
    ObjectNode o = Http.JSON.createObjectNode().put("goal", r.goal()).put("period", r.period().name().toLowerCase(Locale.ROOT));
    ArrayNode cells = o.putArray("cells");
    for (Conversions.Cell c : r.cells()) {
      ObjectNode x = cells.addObject().put("from", c.from().toString()).put("until", c.until().toString());
      if (c.segment() == null) {
        x.putNull("segment");
      } else {
        x.put("segment", c.segment());
      }
      x.put("members", c.members()).put("converters", c.converters());
    }
    ArrayNode shares = o.putArray("shares");
    for (Conversions.Share s : r.shares()) {
      ObjectNode x = shares.addObject();
      if (s.segment() == null) {
        x.putNull("segment");
      } else {
        x.put("segment", s.segment());
      }
      x.put("converters", s.converters()).put("memberPeriods", s.memberPeriods());
      if (Double.isFinite(s.index())) {
        x.put("index", s.index());
      }
    }
    Http.json(ctx, 200, o);
  }
}
