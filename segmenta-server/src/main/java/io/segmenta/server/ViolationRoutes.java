package io.segmenta.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.store.Store;
import io.segmenta.core.port.ViolationCount;
import java.util.List;

/**
 * The admin API of tracking violations: fields a source sent that did not fit the schema and were kept in their
 * events' extras (lenient tracking), counted per source, event type and field, with the latest example, so that a
 * shop sees which tracker sends what before it turns a source strict.
 */
final class ViolationRoutes {
  private final Store store;

  ViolationRoutes(Store store) {
    this.store = store;
  }

  List<Route> routes() {
    return List.of(new Route("GET", "/admin/violations", Route.Access.ADMIN,
        "Fields kept in extras because they did not fit the schema: count and latest example per source, event type and field (?source, ?limit)",
        null, this::list));
  }

  private void list(Context ctx) {
    int limit = Http.intParam(ctx, "limit", 100, 1, 10_000);
    String source = ctx.queryParam("source");
    ObjectNode o = Http.JSON.createObjectNode();
    ArrayNode a = o.putArray("violations");
    for (ViolationCount v : store.violationLog().violations(source == null || source.isBlank() ? null : source, limit)) {
      a.addObject().put("source", v.source()).put("eventType", v.eventType()).put("field", v.field()).put("expected", v.expected())
          .put("count", v.count()).put("example", v.example()).put("firstSeen", v.firstSeen().toString()).put("lastSeen", v.lastSeen().toString());
    }
    Http.json(ctx, 200, o);
  }
}
