package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.segmenta.core.store.Store;
import io.segmenta.core.realtime.MembershipChange;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Membership changes of real-time segments as they happen, under the admin key: a Server-Sent Events stream, and
 * webhook subscriptions ({@link Webhooks}: signed, retried).
 */
final class ChangeRoutes {
  private final Store store;
  private final RealtimeFeed feed;
  private final Webhooks webhooks;

  ChangeRoutes(Store store, RealtimeFeed feed, Webhooks webhooks) {
    this.store = store;
    this.feed = feed;
    this.webhooks = webhooks;
  }

  List<Route> routes() {
    return List.of(
        Route.stream("/admin/changes/stream", Route.Access.ADMIN,
            "Membership changes of real-time segments as Server-Sent Events (event 'membership'; ?segment to filter)", this::stream),
        new Route("GET", "/admin/webhooks", Route.Access.ADMIN, "Webhook subscriptions with delivery counts", null, ctx -> Http.json(ctx, 200, webhooks.list())),
        new Route("POST", "/admin/webhooks", Route.Access.ADMIN, "Subscribe a URL to membership changes (signed, retried)",
            "{\"url\", \"segments\": [names] (empty: all)}", this::addWebhook),
        new Route("DELETE", "/admin/webhooks/{id}", Route.Access.ADMIN, "Remove a webhook", null, this::removeWebhook));
  }

  private void stream(SseClient client) {
    String only = client.ctx().queryParam("segment");
    client.keepAlive();
    // The greeting goes out before any change can; then only the feed's thread writes to the stream.
    client.sendComment("connected");
    AtomicReference<Consumer<List<MembershipChange>>> self = new AtomicReference<>();
    Consumer<List<MembershipChange>> l = changes -> {
      if (client.terminated()) {
        feed.unlisten(self.get());
        return;
      }
      for (MembershipChange c : changes) {
        if (only == null || only.equals(c.segment())) {
          client.sendEvent("membership", Webhooks.json(c).toString());
        }
      }
    };
    self.set(l);
    client.onClose(() -> feed.unlisten(l));
    feed.listen(l);
  }

  private void addWebhook(Context ctx) {
    JsonNode b = Http.body(ctx, 16 * 1024);
    Set<String> segs = new TreeSet<>();
    b.path("segments").forEach(x -> segs.add(x.asText()));
    for (String sname : segs) {
      if (!store.membership().realtimeSegments().contains(sname)) {
        throw new Http.Failure(400, "'" + sname + "' is not a real-time segment; mark it with \"realtime\": true first");
      }
    }
    Webhooks.Hook h = webhooks.add(Http.text(b, "url"), segs);
    Http.json(ctx, 201, Http.JSON.createObjectNode().put("id", h.id()).put("url", h.url()).put("secret", h.secret()));
  }

  private void removeWebhook(Context ctx) {
    if (!webhooks.remove(ctx.pathParam("id"))) {
      throw new Http.Failure(404, "there is no webhook '" + ctx.pathParam("id") + "'");
    }
    ctx.status(204);
  }
}
