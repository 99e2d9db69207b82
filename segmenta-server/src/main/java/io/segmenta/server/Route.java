package io.segmenta.server;

import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import java.util.function.Consumer;

/**
 * One route: method, path, who may call it, what it does, and its handler (or, for a Server-Sent Events stream,
 * its client consumer). The server registers routes from this table and {@code /openapi.json} is written from the
 * same table, so the document cannot drift from the routes.
 */
record Route(String method, String path, Access access, String summary, String body, Handler handler, Consumer<SseClient> sse) {
  /** Who may call a route: anyone, a write key (tracking, decisions), or the admin key. */
  enum Access { PUBLIC, WRITE, ADMIN }

  Route(String method, String path, Access access, String summary, String body, Handler handler) {
    this(method, path, access, summary, body, handler, null);
  }

  /** A Server-Sent Events stream. */
  static Route stream(String path, Access access, String summary, Consumer<SseClient> sse) {
    return new Route("GET", path, access, summary, null, null, sse);
  }
}
