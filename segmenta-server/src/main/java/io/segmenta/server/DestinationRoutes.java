package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.UserException;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Run;
import io.segmenta.core.destination.Syncs;
import io.segmenta.core.destination.json.DestinationJson;
import io.segmenta.core.store.Store;
import java.util.List;

/**
 * The admin API of destinations: list, save (the JSON form), delete (its kept state goes too), sync now or dry-run
 * (counts and examples), and the history of runs.
 */
final class DestinationRoutes {
  private final Store store;
  private final Syncs syncs;

  DestinationRoutes(Store store, Syncs syncs) {
    this.store = store;
    this.syncs = syncs;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/admin/destinations", Route.Access.ADMIN, "Destinations: segments synced to channels", null, this::list),
        new Route("PUT", "/admin/destinations/{key}", Route.Access.ADMIN, "Save a destination (its JSON form; the key must match the path)",
            null, this::save),
        new Route("DELETE", "/admin/destinations/{key}", Route.Access.ADMIN, "Delete a destination and its kept state", null, this::delete),
        new Route("POST", "/admin/destinations/{key}/sync", Route.Access.ADMIN,
            "Sync a destination now: only adds and removes since the last sync (?dry_run=true: counts and examples, nothing sent)", null,
            this::sync),
        new Route("GET", "/admin/destinations/{key}/runs", Route.Access.ADMIN, "The runs of a destination, newest first (?limit)", null, this::runs));
  }

  private Destination find(Context ctx) {
    String key = ctx.pathParam("key");
    return store.destinationDefinitions().find(key).orElseThrow(() -> new NotFound("there is no destination '" + key + "'"));
  }

  /** A missing resource: 404. */
  static final class NotFound extends UserException {
    NotFound(String message) {
      super(message);
    }
  }

  private void list(Context ctx) {
    ObjectNode o = Http.JSON.createObjectNode();
    ArrayNode a = o.putArray("destinations");
    for (Destination d : store.destinationDefinitions().all()) {
      ObjectNode n = DestinationJson.json(d);
      store.destinationRuns().runs(d.key(), 1).forEach(r -> n.set("last_run", DestinationJson.json(r)));
      a.add(n);
    }
    Http.json(ctx, 200, o);
  }

  private void save(Context ctx) {
    JsonNode body = Http.body(ctx, 64 * 1024);
    Destination d;
    try {
      d = DestinationJson.parse(body);
    } catch (UserException e) {
      Http.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    if (!d.key().equals(ctx.pathParam("key"))) {
      Http.error(ctx, 400, "key '" + d.key() + "' does not match the path's '" + ctx.pathParam("key") + "'", List.of());
      return;
    }
    if (store.segmentDefinitions().find(d.segment()).isEmpty()) {
      Http.error(ctx, 400, "segment: there is no saved segment '" + d.segment() + "'", List.of());
      return;
    }
    Http.json(ctx, 200, DestinationJson.json(store.destinationDefinitions().save(d)));
  }

  private void delete(Context ctx) {
    String key = ctx.pathParam("key");
    if (!store.destinationDefinitions().delete(key)) {
      Http.error(ctx, 404, "there is no destination '" + key + "'", List.of());
      return;
    }
    store.syncState().forget(key);
    ctx.status(204);
  }

  private void sync(Context ctx) {
    Destination d;
    try {
      d = find(ctx);
    } catch (NotFound e) {
      Http.error(ctx, 404, e.getMessage(), List.of());
      return;
    }
    Run r = syncs.sync(d, "true".equals(ctx.queryParam("dry_run")));
    Http.json(ctx, r.status() == Run.Status.FAILED ? 502 : 200, DestinationJson.json(r));
  }

  private void runs(Context ctx) {
    Destination d;
    try {
      d = find(ctx);
    } catch (NotFound e) {
      Http.error(ctx, 404, e.getMessage(), List.of());
      return;
    }
    ObjectNode o = Http.JSON.createObjectNode();
    ArrayNode a = o.putArray("runs");
    store.destinationRuns().runs(d.key(), Http.intParam(ctx, "limit", 20, 1, 1000)).forEach(r -> a.add(DestinationJson.json(r)));
    Http.json(ctx, 200, o);
  }
}
