package io.segmenta.server;

import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Cross-origin access to the browser-facing routes (tracking, analytics.js' settings and bundle), as the Fetch
 * standard's CORS protocol defines it (https://fetch.spec.whatwg.org/#http-cors-protocol).
 *
 * <p>With no configured origins any page may send (the default: a browser source's write key is public in the
 * page anyway, and a tracking answer carries nothing). With configured origins, a request that names another
 * origin is refused (403) — not only left unreadable: a {@code text/plain} POST or a {@code sendBeacon} is sent
 * without a preflight, so withholding the headers alone would still let it write. The allowed origin is echoed
 * (never {@code *}) with {@code Access-Control-Allow-Credentials}, because {@code sendBeacon} sends in
 * credentials mode {@code include}, where {@code *} is not accepted.
 */
final class Cors {
  /** Request headers the clients send: analytics.js adds Authorization and X-Retry-Count to text/plain. */
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, Content-Encoding, X-Retry-Count";
  private final Set<String> origins;
  private final Set<String> paths;
  private final List<String> prefixes;

  /** {@code origins} empty means any; {@code paths} exact paths and {@code prefixes} path prefixes it applies to. */
  Cors(Set<String> origins, Set<String> paths, List<String> prefixes) {
    this.origins = origins.stream().map(Cors::normal).collect(Collectors.toUnmodifiableSet());
    this.paths = Set.copyOf(paths);
    this.prefixes = List.copyOf(prefixes);
  }

  /** An origin as browsers send it: scheme://host[:port], lower case, no trailing slash. */
  static String normal(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }

  boolean covers(String path) {
    if (paths.contains(path) || paths.contains(path.endsWith("/") ? path.substring(0, path.length() - 1) : path)) {
      return true;
    }
    return prefixes.stream().anyMatch(path::startsWith);
  }

  boolean allowed(String origin) {
    return origins.isEmpty() || origin != null && origins.contains(normal(origin));
  }

  /** Adds the response headers for a request from {@code origin} (none when not a covered path or not allowed). */
  void decorate(String origin, String path, BiConsumer<String, String> header) {
    if (origin == null || path == null || !covers(path) || !allowed(origin)) {
      return;
    }
    header.accept("Access-Control-Allow-Origin", origin);
    header.accept("Access-Control-Allow-Credentials", "true");
    header.accept("Vary", "Origin");
  }

  /** Before a covered route: refuses a disallowed origin, and adds the headers for an allowed one. */
  void before(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null) {
      return;
    }
    if (!allowed(origin)) {
      throw new Http.Failure(403, "origin '" + origin + "' may not send data here; allow it with --cors-origin " + origin);
    }
    decorate(origin, ctx.path(), ctx::header);
  }

  /** Answers a preflight (OPTIONS) on a covered route. */
  void preflight(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || !allowed(origin)) {
      throw new Http.Failure(403, origin == null ? "a preflight request needs an Origin header"
          : "origin '" + origin + "' may not send data here; allow it with --cors-origin " + origin);
    }
    decorate(origin, ctx.path(), ctx::header);
    ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    ctx.header("Access-Control-Max-Age", "7200");
    if ("true".equalsIgnoreCase(ctx.header("Access-Control-Request-Private-Network"))) {
      ctx.header("Access-Control-Allow-Private-Network", "true");
    }
    ctx.status(204);
  }
}
