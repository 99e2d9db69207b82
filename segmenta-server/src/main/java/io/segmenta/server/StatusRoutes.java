package io.segmenta.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The state of the server's background work under the admin key ({@code GET /admin/status}). */
final class StatusRoutes {
  private final Journal writer;

  StatusRoutes(Journal writer) {
    this.writer = writer;
  }

  List<Route> routes() {
    return List.of(new Route("GET", "/admin/status", Route.Access.ADMIN,
        "Background work: the journal's applied requests and events, failures, parked records, pending records and its last error", null,
        ctx -> Http.json(ctx, 200, status(writer.status()))));
  }

  /** What {@code GET /admin/status} answers: counters and the last error of the journal's applier. */
  static ObjectNode status(Journal.Status j) {
    ObjectNode o = Http.JSON.createObjectNode();
    ObjectNode n = o.putObject("journal").put("appliedRequests", j.appliedRequests()).put("appliedEvents", j.appliedEvents())
        .put("failures", j.failures()).put("parked", j.parked()).put("pending", j.pending());
    if (j.lastError() != null) {
      n.put("lastError", j.lastError()).put("lastErrorAt", String.valueOf(j.lastErrorAt()));
    }
    return o;
  }
}
