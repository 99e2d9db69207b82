package io.segmenta.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.segmenta.core.SegmentaException;
import io.segmenta.core.port.Store;
import io.segmenta.core.rule.RuleException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segmenta's HTTP server over one store: the tracking API and the decision endpoint under write keys, the admin API
 * under the admin key, and {@code /openapi.json}. A write key can send data and ask for decisions, nothing else.
 * Logs carry routes, statuses and exception classes, never request bodies or ids: no personal data.
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Server.class);
  static final String VERSION = "0.1.0";

  /** Where to listen and which keys open what. */
  public record Options(String host, int port, Set<String> writeKeys, String adminKey, Clock clock, java.nio.file.Path journalDir,
      java.time.Duration decisionRefresh) {
    /** Options with decisions reloaded every five minutes. */
    public Options(String host, int port, Set<String> writeKeys, String adminKey, Clock clock, java.nio.file.Path journalDir) {
      this(host, port, writeKeys, adminKey, clock, journalDir, java.time.Duration.ofMinutes(5));
    }

    public Options {
      Objects.requireNonNull(decisionRefresh, "decisionRefresh");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(journalDir, "journalDir");
      writeKeys = Set.copyOf(writeKeys);
      if (writeKeys.isEmpty()) {
        throw new IllegalArgumentException("at least one write key is needed");
      }
      if (adminKey == null || adminKey.length() < 8) {
        throw new IllegalArgumentException("the admin key must have at least 8 characters");
      }
      if (writeKeys.contains(adminKey)) {
        throw new IllegalArgumentException("the admin key must differ from every write key");
      }
    }
  }

  private final Javalin app;
  private final List<Route> routes;
  private final Journal writer;
  private final RealtimeFeed feed;
  private final Webhooks webhooks;
  private final Decisions decisions;

  private Server(Javalin app, List<Route> routes, Journal writer, RealtimeFeed feed, Webhooks webhooks, Decisions decisions) {
    this.decisions = decisions;
    this.app = app;
    this.routes = routes;
    this.writer = writer;
    this.feed = feed;
    this.webhooks = webhooks;
  }

  /** Starts listening; port 0 picks a free one (see {@link #port()}). */
  public static Server start(Store store, Options o) {
    List<Route> routes = new ArrayList<>();
    Decisions decisions = new Decisions(store, o.clock(), o.decisionRefresh());
    RealtimeFeed[] feedRef = new RealtimeFeed[1];
    Journal writer = new Journal(store, o.journalDir(), b -> {
      decisions.observe(b);
      if (feedRef[0] != null) {
        feedRef[0].accept(b);
      }
    }, merges -> {
      if (feedRef[0] != null) {
        merges.stream().filter(io.segmenta.core.port.MergeRecord::applied).forEach(m -> {
          feedRef[0].forget(m.mergedId());
          feedRef[0].forget(m.survivorId());
        });
      }
    }, (id, choices) -> choices.stream().filter(c -> c.purpose() == io.segmenta.core.privacy.Purpose.PERSONALIZATION)
        .reduce((a, b) -> b).ifPresent(c -> decisions.consent(id, c.granted())));
    RealtimeFeed feed = new RealtimeFeed(store, o.clock());
    feedRef[0] = feed;
    Webhooks webhooks = new Webhooks(o.journalDir());
    feed.listen(webhooks::publish);
    feed.listen(decisions::apply);
    routes.addAll(new TrackingRoutes(store, o.clock(), writer).routes());
    routes.addAll(new DecisionRoutes(store, o.clock()).routes());
    routes.addAll(new AdminRoutes(store, o.clock(), feed, webhooks, decisions).routes());
    routes.addAll(new PersonalizeRoutes(store, o.clock(), decisions).routes());
    routes.addAll(new ModelRoutes(store, o.clock()).routes());
    routes.addAll(new SummaryRoutes(store, o.clock()).routes());
    List<Route> documented = List.copyOf(routes);
    byte[] openApi = OpenApi.document(documented, VERSION).toPrettyString().getBytes(StandardCharsets.UTF_8);
    routes.add(new Route("GET", "/openapi.json", Route.Access.PUBLIC, "This document", null,
        ctx -> ctx.contentType("application/json").result(openApi)));
    Javalin app = Javalin.create(config -> {
      config.jetty.host = o.host();
      config.jetty.port = o.port();
      config.http.maxRequestSize = 4L * 1024 * 1024;
      config.startup.showJavalinBanner = false;
      for (Route r : routes) {
        if (r.sse() != null) {
          Handler auth = guarded(new Route(r.method(), r.path(), r.access(), r.summary(), null, ctx -> { }), o, writer, () -> feed);
          config.routes.before(r.path(), auth);
          config.routes.sse(r.path(), r.sse());
          continue;
        }
        Handler h = guarded(r, o, writer, () -> feed);
        switch (r.method()) {
          case "GET" -> config.routes.get(r.path(), h);
          case "POST" -> config.routes.post(r.path(), h);
          case "PUT" -> config.routes.put(r.path(), h);
          case "DELETE" -> config.routes.delete(r.path(), h);
          default -> throw new IllegalStateException("unsupported method " + r.method());
        }
      }
      config.routes.exception(Http.Failure.class, (e, ctx) -> Http.error(ctx, e.status, e.getMessage(), e.problems));
      config.routes.exception(RuleException.class, (e, ctx) -> Http.error(ctx, 400, e.getMessage(), List.of()));
      config.routes.exception(SegmentaException.class, (e, ctx) -> {
        if (e.isUserError()) {
          Http.error(ctx, 400, e.getMessage(), List.of());
        } else {
          LOG.error("{} {} failed: {}", ctx.method(), ctx.endpoint() == null ? "?" : ctx.endpoint().path, e.getClass().getSimpleName());
          Http.error(ctx, 500, "the server could not complete the request; nothing was stored", List.of());
        }
      });
      config.routes.exception(Exception.class, (e, ctx) -> {
        LOG.error("{} {} failed: {}", ctx.method(), ctx.endpoint() == null ? "?" : ctx.endpoint().path, e.getClass().getSimpleName());
        Http.error(ctx, 500, "the server could not complete the request; nothing was stored", List.of());
      });
    }).start();
    LOG.info("listening on {}:{} ({} routes)", o.host(), app.port(), routes.size());
    return new Server(app, List.copyOf(routes), writer, feed, webhooks, decisions);
  }

  private static Handler guarded(Route r, Options o, Journal journal, java.util.function.Supplier<RealtimeFeed> feedOf) {
    if (r.access() == Route.Access.PUBLIC) {
      return r.handler();
    }
    return ctx -> {
      String key = key(ctx);
      if (key == null) {
        ctx.header("WWW-Authenticate", r.access() == Route.Access.WRITE ? "Basic realm=\"segmenta\"" : "Bearer");
        throw new Http.Failure(401, r.access() == Route.Access.WRITE
            ? "send the write key as the user name of HTTP Basic authentication" : "send the admin key as a Bearer token");
      }
      boolean admin = constantTimeEquals(key, o.adminKey());
      boolean write = o.writeKeys().stream().anyMatch(k -> constantTimeEquals(key, k));
      if (r.access() == Route.Access.ADMIN && !admin) {
        throw new Http.Failure(write ? 403 : 401, write ? "a write key cannot read or change anything; use the admin key" : "unknown key");
      }
      if (r.access() == Route.Access.WRITE && !write) {
        throw new Http.Failure(admin ? 403 : 401, admin ? "tracking takes a write key, not the admin key" : "unknown write key");
      }
      if (r.access() == Route.Access.ADMIN || r.path().equals("/v1/decide")) {
        // Reads see every write acknowledged before them, and every membership change decided before them.
        journal.flush();
        feedOf.get().flush();
      }
      r.handler().handle(ctx);
    };
  }

  /** The key of a request: Basic's user name, or a Bearer token. */
  static String key(Context ctx) {
    String h = ctx.header("Authorization");
    if (h == null) {
      return null;
    }
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String k = h.substring(7).trim();
      return k.isEmpty() ? null : k;
    }
    if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        return user.isEmpty() ? null : user;
      } catch (IllegalArgumentException e) {
        throw new Http.Failure(401, "the Basic credentials are not valid base64");
      }
    }
    return null;
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  public int port() {
    return app.port();
  }

  /** Calls {@code listener} with every batch of membership changes of real-time segments, as they are decided. */
  public void listen(java.util.function.Consumer<List<io.segmenta.core.realtime.MembershipChange>> listener) {
    feed.listen(listener);
  }

  /** Puts every acknowledged write into the database (tests and tools that read the store directly call it). */
  public void flush() {
    writer.flush();
  }

  /** The routes served, for tests and for the document. */
  List<Route> routes() {
    return routes;
  }

  @Override
  public void close() {
    app.stop();
    writer.close();
    feed.close();
    webhooks.close();
    decisions.close();
  }
}
