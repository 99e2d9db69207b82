package io.segmenta.server;

import static io.segmenta.server.AdminRoutes.instant;

import io.javalin.http.Context;
import io.segmenta.core.UserException;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.store.Store;
import io.segmenta.core.why.SegmentWhy;
import io.segmenta.core.why.json.TraceJson;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Why a profile is in or out of a saved segment (issue 18), under the admin key: the trace of {@link SegmentWhy} as JSON. */
final class WhyRoutes {
  private final Store store;
  private final Clock clock;

  WhyRoutes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(new Route("GET", "/admin/segments/{name}/why/{profile}", Route.Access.ADMIN,
        "Why a profile (by id, or by identifier with ?by=email) is in or out of a saved segment at ?asOf= (default now): every condition"
            + " with the value it read, which decided, and for someone out the closest miss", null, this::why));
  }

  private void why(Context ctx) {
    String s = ctx.queryParam("asOf");
    Instant asOf = s == null ? clock.instant() : instant("asOf", s);
    Segments segments = new Segments(store.catalog(), store.segmentDefinitions(), store.scores(), clock);
    try {
      Http.json(ctx, 200, TraceJson.toJson(new SegmentWhy(segments, store.segmentDefinitions(), store.profiles())
          .explain(ctx.pathParam("name"), ctx.pathParam("profile"), ctx.queryParam("by"), asOf)));
    } catch (UserException e) {
      throw new Http.Failure(404, e.getMessage());
    }
  }
}
