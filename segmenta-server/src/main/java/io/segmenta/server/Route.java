package io.segmenta.server;

import io.javalin.http.Handler;

/**
 * One route: method, path, who may call it, what it does, and its handler. The server registers routes from this
 * table and {@code /openapi.json} is written from the same table, so the document cannot drift from the routes.
 */
record Route(String method, String path, Access access, String summary, String body, Handler handler) {
  /** Who may call a route: anyone, a write key (tracking, decisions), or the admin key. */
  enum Access { PUBLIC, WRITE, ADMIN }
}
