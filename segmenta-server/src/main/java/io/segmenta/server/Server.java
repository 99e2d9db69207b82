package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.segmenta.core.erasure.Erasures;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.segmenta.core.SegmentaException;
import io.segmenta.core.personalize.Personalization;
import io.segmenta.core.ingest.segment.SegmentSpec.Policy;
import io.segmenta.core.journey.JourneyEngine;
import io.segmenta.core.destination.Syncs;
import io.segmenta.core.store.Store;
import io.segmenta.core.rule.RuleException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.segmenta.core.port.MergeRecord;
import io.segmenta.core.realtime.MembershipChange;
import java.util.HashSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Segmenta's HTTP server over one store: the tracking API and the decision endpoint under write keys, the admin API
 * under the admin key, and {@code /openapi.json}. A write key can send data and ask for decisions, nothing else.
 * Logs carry routes, statuses and exception classes, never request bodies or ids: no personal data.
 *
 * <p>The tracking edge, for every tracker a shop runs (docs/tracking.md): bodies are read whole without holding a
 * thread and decoded once ({@link BufferedBodies}: gzip, character sets, a deadline for slow clients); the write key
 * is HTTP Basic's user name or the body's {@code writeKey} and names a {@link Source}, whose strict flag picks the
 * translation policy; browser-facing routes answer CORS ({@link Cors}); analytics.js' settings and bundle are served
 * here ({@link AnalyticsJsAssets}); {@code GET /health} answers without a key.
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Server.class);
  static final String VERSION = "0.1.0";

  /** How long a client has to send a request body (slow clients are dropped with a 408), by default. */
  public static final Duration BODY_TIMEOUT = Duration.ofSeconds(20);
  /** How long an idle connection is kept (Jetty's idle timeout). */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** The largest body any route takes, as sent and as inflated from gzip. */
  static final int MAX_BODY = 4 * 1024 * 1024;

  /**
   * Where to listen and which keys open what. Write keys come as plain keys (each becomes a lenient source named
   * {@code default}, {@code default-2}, ... in key order) or as {@link Source}s with a name and a strict flag.
   * {@code corsOrigins} empty lets pages of any origin send; {@code analyticsJs} is the folder with the analytics.js
   * bundle to serve (null: only its settings); {@code publicUrl} is the address browsers reach this server at (null:
   * as each request names it).
   */
  public record Options(String host, int port, Set<String> writeKeys, String adminKey, Clock clock, Path journalDir,
      Duration decisionRefresh, List<Source> sources, Set<String> corsOrigins, Path analyticsJs, URI publicUrl, Duration bodyTimeout,
      Policy schemaLimits) {
    /** Options with decisions reloaded every five minutes. */
    public Options(String host, int port, Set<String> writeKeys, String adminKey, Clock clock, Path journalDir) {
      this(host, port, writeKeys, adminKey, clock, journalDir, Duration.ofMinutes(5));
    }

    public Options(String host, int port, Set<String> writeKeys, String adminKey, Clock clock, Path journalDir, Duration decisionRefresh) {
      this(host, port, writeKeys, adminKey, clock, journalDir, decisionRefresh, List.of(), Set.of(), null, null, BODY_TIMEOUT);
    }

    /** Options with the default schema growth limits. */
    public Options(String host, int port, Set<String> writeKeys, String adminKey, Clock clock, Path journalDir, Duration decisionRefresh,
        List<Source> sources, Set<String> corsOrigins, Path analyticsJs, URI publicUrl, Duration bodyTimeout) {
      this(host, port, writeKeys, adminKey, clock, journalDir, decisionRefresh, sources, corsOrigins, analyticsJs, publicUrl, bodyTimeout,
          Policy.LENIENT);
    }

    public Options {
      Objects.requireNonNull(decisionRefresh, "decisionRefresh");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(journalDir, "journalDir");
      Objects.requireNonNull(bodyTimeout, "bodyTimeout");
      // The limits only; whether a source is strict is the source's own setting.
      schemaLimits = schemaLimits == null ? Policy.LENIENT : schemaLimits.withStrict(false);
      sources = sources(writeKeys == null ? Set.of() : writeKeys, sources == null ? List.of() : sources);
      writeKeys = sources.stream().map(Source::writeKey).collect(Collectors.toUnmodifiableSet());
      corsOrigins = corsOrigins == null ? Set.of() : Set.copyOf(corsOrigins);
      for (String origin : corsOrigins) {
        if (!origin.matches("(?i)https?://[^/\\s]+/?") && !origin.equals("null")) {
          throw new IllegalArgumentException("a CORS origin is scheme://host[:port], e.g. https://shop.example, got '" + origin + "'");
        }
      }
      if (writeKeys.isEmpty()) {
        throw new IllegalArgumentException("at least one write key is needed");
      }
      if (adminKey == null || adminKey.length() < 8) {
        throw new IllegalArgumentException("the admin key must have at least 8 characters");
      }
      if (writeKeys.contains(adminKey)) {
        throw new IllegalArgumentException("the admin key must differ from every write key");
      }
      if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
        throw new IllegalArgumentException("the body timeout must be positive, got " + bodyTimeout);
      }
    }

    private static List<Source> sources(Set<String> keys, List<Source> given) {
      List<Source> out = new ArrayList<>(given);
      Set<String> names = new HashSet<>();
      Set<String> seen = new HashSet<>();
      for (Source s : given) {
        if (!names.add(s.name())) {
          throw new IllegalArgumentException("two sources are named '" + s.name() + "'");
        }
        if (!seen.add(s.writeKey())) {
          throw new IllegalArgumentException("source '" + s.name() + "' has the write key of another source");
        }
      }
      int n = 1;
      for (String k : new TreeSet<>(keys)) {
        if (seen.add(k)) {
          String name;
          do {
            name = n == 1 ? "default" : "default-" + n;
            n++;
          } while (names.contains(name));
          names.add(name);
          out.add(Source.lenient(name, k));
        }
      }
      return List.copyOf(out);
    }

    /** These sources, and the keys already given that none of them carries. */
    public Options withSources(List<Source> more) {
      List<Source> all = new ArrayList<>(more);
      sources.stream().filter(s -> more.stream().noneMatch(m -> m.writeKey().equals(s.writeKey()))).forEach(all::add);
      return new Options(host, port, Set.of(), adminKey, clock, journalDir, decisionRefresh, all, corsOrigins, analyticsJs, publicUrl, bodyTimeout, schemaLimits);
    }

    public Options withCorsOrigins(Set<String> origins) {
      return new Options(host, port, writeKeys, adminKey, clock, journalDir, decisionRefresh, sources, origins, analyticsJs, publicUrl, bodyTimeout, schemaLimits);
    }

    public Options withAnalyticsJs(Path dir) {
      return new Options(host, port, writeKeys, adminKey, clock, journalDir, decisionRefresh, sources, corsOrigins, dir, publicUrl, bodyTimeout, schemaLimits);
    }

    public Options withPublicUrl(URI url) {
      return new Options(host, port, writeKeys, adminKey, clock, journalDir, decisionRefresh, sources, corsOrigins, analyticsJs, url, bodyTimeout, schemaLimits);
    }

    /** How fast tracking may grow the schema (new names per request, properties per event type, in total). */
    public Options withSchemaLimits(Policy limits) {
      return new Options(host, port, writeKeys, adminKey, clock, journalDir, decisionRefresh, sources, corsOrigins, analyticsJs, publicUrl,
          bodyTimeout, limits);
    }

    public Options withBodyTimeout(Duration timeout) {
      return new Options(host, port, writeKeys, adminKey, clock, journalDir, decisionRefresh, sources, corsOrigins, analyticsJs, publicUrl, timeout, schemaLimits);
    }

    /** The source a write key belongs to, compared in constant time. */
    Optional<Source> source(String key) {
      Source found = null;
      for (Source s : sources) {
        if (Credentials.constantTimeEquals(key, s.writeKey())) {
          found = s;
        }
      }
      // Then the keys made while serving (the web app's settings), which a revocation takes away at once.
      return found != null ? Optional.of(found) : WriteKeys.in(journalDir).source(key);
    }
  }

  private final Javalin app;
  private final List<Route> routes;
  private final Journal writer;
  private final RealtimeFeed feed;
  private final Webhooks webhooks;
  private final Decisions decisions;
  private final JourneyRunner journeys;
  private ReviewSchedule reviews;
  private final DestinationRunner destinations;

  private Server(Javalin app, List<Route> routes, Journal writer, RealtimeFeed feed, Webhooks webhooks, Decisions decisions,
      JourneyRunner journeys, DestinationRunner destinations) {
    this.destinations = destinations;
    this.decisions = decisions;
    this.journeys = journeys;
    this.app = app;
    this.routes = routes;
    this.writer = writer;
    this.feed = feed;
    this.webhooks = webhooks;
  }

  /**
   * Routes another module serves beside the API, such as the web app (segmenta-web): the server knows nothing of
   * them but hands each its Javalin configuration once the API's routes are in, so the API's paths win.
   */
  public interface Extension {
    /**
     * Adds routes to {@code config}. {@code freshReads} makes every write acknowledged so far readable (the journal
     * applied, membership changes decided), as the admin API does before each read.
     */
    void install(JavalinConfig config, Runnable freshReads);

    /** Hands over what the decision API serves now (null before its first load), for pages that preview decisions. */
    default void decisions(Supplier<Personalization> current) {}

    /** Hands over the server's destination syncs, so a sync started by the extension waits for the server's own runs of it. */
    default void destinations(Syncs syncs) {}

    /** As above, with what must hear of an erasure the extension runs: the server's in-memory holders, through its lifecycle. */
    default void install(JavalinConfig config, Runnable freshReads, Erasures.Holder erased) {
      install(config, freshReads);
    }
  }

  /** Starts listening; port 0 picks a free one (see {@link #port()}). Journeys run without a mail transport (sends skipped). */
  public static Server start(Store store, Options o) {
    return start(store, o, JourneySettings.NO_MAIL, List.of());
  }

  /** Starts listening, with the routes of {@code extensions} served beside the API's. */
  public static Server start(Store store, Options o, List<Extension> extensions) {
    return start(store, o, JourneySettings.NO_MAIL, extensions);
  }

  /** Starts listening, with journeys sending through {@code journeys}' mailer. */
  public static Server start(Store store, Options o, JourneySettings journeySettings) {
    return start(store, o, journeySettings, List.of());
  }

  /** Starts listening, with journeys sending through {@code journeySettings}' mailer and the routes of {@code extensions}. */
  public static Server start(Store store, Options o, JourneySettings journeySettings, List<Extension> extensions) {
    List<Route> routes = new ArrayList<>();
    Clock clock = o.clock();
    Path dir = o.journalDir();
    // Every background job counts its work and failures in a worker of its own; GET /admin/status shows them all.
    Worker journalWork = new Worker("journal", clock, dir.resolve("journal.parked"));
    Worker realtimeWork = new Worker("realtime", clock, dir.resolve("realtime.parked"));
    Worker historyWork = new Worker("membership-history", clock, dir.resolve("membership.parked"));
    Worker exposureWork = new Worker("exposures", clock, dir.resolve("exposures.parked"));
    Worker webhookWork = new Worker("webhooks", clock, dir.resolve("webhooks.parked"));
    Worker reloadWork = new Worker("decisions", clock, null);
    Worker lifecycleWork = new Worker("lifecycle", clock, null);
    Worker journeyWork = new Worker("journeys", clock, null);
    Worker reviewWork = new Worker("history-review", clock, dir.resolve("alerts.parked"));
    Worker destinationWork = new Worker("destinations", clock, null);
    // What happens to profiles is published in one place; decisions, the journal (its parked records), the real-time
    // feed and webhooks subscribe, in this order: the feed is made once the journal has replayed, and webhooks hear
    // of an erasure after the feed, which publishes to them.
    ProfileLifecycle lifecycle = new ProfileLifecycle(lifecycleWork);
    Decisions decisions = new Decisions(store, clock, o.decisionRefresh(), reloadWork, exposureWork);
    lifecycle.subscribe(decisions::on);
    Journal writer = new Journal(store, dir, clock, lifecycle, journalWork);
    lifecycle.subscribe(writer::on);
    RealtimeFeed feed = new RealtimeFeed(store, clock, realtimeWork, historyWork);
    lifecycle.subscribe(feed::on);
    Webhooks webhooks = new Webhooks(dir, webhookWork, Webhooks.FIRST_BACKOFF);
    lifecycle.subscribe(webhooks::on);
    feed.listen(webhooks::publish);
    feed.listen(decisions::apply);
    // Journeys: unsubscribe links need the server's address, known once it listens (port 0 picks one).
    AtomicReference<String> base = new AtomicReference<>(o.publicUrl() == null ? null : o.publicUrl().toString().replaceAll("/+$", ""));
    UnsubscribeLinks links = new UnsubscribeLinks(o.adminKey(), base::get);
    JourneyEngine engine = new JourneyEngine(store.catalog(), store.profiles(), store.consent(), store.segmentDefinitions(), store.scores(),
        store.audiences(), store.journeyDefinitions(), store.journeyLog(), JourneyRunner.channels(journeySettings, decisions, store, clock), links::url, clock,
        store.campaignDefinitions());
    JourneyRunner journeys = new JourneyRunner(engine, journeyWork, writer::flush, journeySettings.tick(), clock,
        store.membership()::realtimeSegments);
    lifecycle.subscribe(journeys::on);
    feed.listen(journeys::membership);
    Syncs destinationSyncs = DestinationSyncs.of(store, clock, store.parquetFiles()::fromCsv);
    DestinationRunner destinations = new DestinationRunner(store, destinationSyncs, destinationWork, clock);
    lifecycle.subscribe(destinations::on);
    feed.listen(destinations::membership);
    List<Worker> workers = List.of(journalWork, realtimeWork, historyWork, exposureWork, webhookWork, reloadWork, lifecycleWork, journeyWork, reviewWork,
        destinationWork);
    // Issue 18: the batch segments' membership history, the review and its alerts, on a schedule of their own.
    ReviewSchedule reviews = new ReviewSchedule(store, clock, reviewWork, webhooks::hooks, journeySettings.mailer(), ReviewSchedule.Settings.fromEnvironment(),
        dir.resolve("review-digest.json"), () -> { writer.flush(); feed.flush(); });
    List<Route> tracking = new TrackingRoutes(store, o.clock(), writer, o.schemaLimits()).routes();
    routes.addAll(tracking);
    AnalyticsJsAssets assets = new AnalyticsJsAssets(o.analyticsJs(), k -> o.source(k).isPresent(), o.publicUrl());
    routes.addAll(assets.routes());
    Cors cors = new Cors(o.corsOrigins(), tracking.stream().map(Route::path).collect(Collectors.toSet()),
        List.of("/v1/projects/", "/analytics.js/", "/analytics-next/"));
    routes.addAll(new DecisionRoutes(store, o.clock()).routes());
    routes.addAll(new AdminRoutes(store, o.clock(), feed, lifecycle, webhooks).routes());
    CampaignChoices campaignChoices = new CampaignChoices(store, clock);
    decisions.afterLoad(campaignChoices::reloadQuietly);
    lifecycle.subscribe(campaignChoices::on);
    feed.listen(campaignChoices::membership);
    routes.addAll(new PersonalizeRoutes(store, o.clock(), decisions, campaignChoices).routes());
    routes.addAll(new CampaignRoutes(store, campaignChoices).routes());
    routes.addAll(new ModelRoutes(store, o.clock()).routes());
    routes.addAll(new ViolationRoutes(store).routes());
    routes.addAll(new StatusRoutes(writer, workers, dir).routes());
    byte[] health = ("{\"status\":\"ok\",\"version\":\"" + VERSION + "\"}").getBytes(StandardCharsets.UTF_8);
    routes.add(new Route("GET", "/health", Route.Access.PUBLIC, "Liveness: answers 200 while the server takes requests", null,
        ctx -> ctx.header("Cache-Control", "no-store").contentType("application/json").result(health)));
    routes.addAll(new SummaryRoutes(store, o.clock()).routes());
    routes.addAll(new JourneyRoutes(store, o.clock(), lifecycle, links, writer::flush).routes());
    routes.addAll(new HistoryRoutes(store, o.clock(), reviews).routes());
    routes.addAll(new DestinationRoutes(store, destinationSyncs).routes());
    List<Route> documented = List.copyOf(routes);
    byte[] openApi = OpenApi.document(documented, VERSION).toPrettyString().getBytes(StandardCharsets.UTF_8);
    routes.add(new Route("GET", "/openapi.json", Route.Access.PUBLIC, "This document", null,
        ctx -> ctx.contentType("application/json").result(openApi)));
    Javalin app = Javalin.create(config -> {
      config.jetty.host = o.host();
      config.jetty.port = o.port();
      config.http.maxRequestSize = MAX_BODY;
      config.startup.showJavalinBanner = false;
      // Bodies are read without holding a thread and decoded before any route runs; idle connections are closed.
      config.jetty.modifyServer(server -> server.insertHandler(new BufferedBodies(MAX_BODY, o.bodyTimeout(), cors)));
      config.jetty.addConnector((server, http) -> {
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
        c.setHost(o.host());
        c.setPort(o.port());
        c.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        return c;
      });
      Set<String> preflights = new HashSet<>();
      for (Route r : routes) {
        if (cors.covers(r.path()) && preflights.add(r.path())) {
          config.routes.before(r.path(), cors::before);
          config.routes.options(r.path(), cors::preflight);
        }
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
      Runnable freshReads = () -> {
        writer.flush();
        feed.flush();
      };
      for (Extension e : extensions) {
        e.decisions(() -> decisions.loaded() ? decisions.state() : null);
        e.destinations(destinationSyncs);
        e.install(config, freshReads, (person, anonymous) -> lifecycle.publish(new ProfileEvent.Erased(person, anonymous)));
      }
      config.routes.exception(Http.Failure.class, (e, ctx) -> Http.error(ctx, e.status, e.getMessage(), e.problems));
      config.routes.exception(RuleException.class, (e, ctx) -> Http.error(ctx, 400, e.getMessage(), List.of()));
      config.routes.exception(SegmentaException.class, (e, ctx) -> {
        if (e.isUserError()) {
          Http.error(ctx, 400, e.getMessage(), List.of());
        } else {
          LOG.error("{} {} failed: {}", ctx.method(), ctx.endpoint() == null ? "?" : ctx.endpoint().path, BackgroundStatus.Failure.chain(e));
          Http.error(ctx, 500, "the server could not complete the request; nothing was stored", List.of());
        }
      });
      config.routes.exception(Exception.class, (e, ctx) -> {
        LOG.error("{} {} failed: {}", ctx.method(), ctx.endpoint() == null ? "?" : ctx.endpoint().path, BackgroundStatus.Failure.chain(e));
        Http.error(ctx, 500, "the server could not complete the request; nothing was stored", List.of());
      });
    }).start();
    LOG.info("listening on {}:{} ({} routes)", o.host(), app.port(), routes.size());
    journeys.start();
    reviews.start();
    destinations.start();
    base.compareAndSet(null, "http://" + (o.host().contains(":") ? "[" + o.host() + "]" : o.host()) + ":" + app.port());
    Server server = new Server(app, List.copyOf(routes), writer, feed, webhooks, decisions, journeys, destinations);
    server.reviews = reviews;
    return server;
  }

  private static Handler guarded(Route r, Options o, Journal journal, Supplier<RealtimeFeed> feedOf) {
    if (r.access() == Route.Access.PUBLIC) {
      return r.handler();
    }
    return ctx -> {
      String header = Credentials.key(ctx);
      // Browsers (analytics.js, sendBeacon) and Segment's Java library send the write key in the body instead.
      String key = header == null && r.access() == Route.Access.WRITE ? bodyKey(ctx) : header;
      if (key == null) {
        ctx.header("WWW-Authenticate", r.access() == Route.Access.WRITE ? "Basic realm=\"segmenta\"" : "Bearer");
        throw new Http.Failure(401, r.access() == Route.Access.WRITE
            ? "send the write key as the user name of HTTP Basic authentication, or as the field writeKey of the body"
            : "send the admin key as a Bearer token");
      }
      boolean admin = Credentials.constantTimeEquals(key, o.adminKey());
      Optional<Source> source = o.source(key);
      boolean write = source.isPresent();
      source.ifPresent(s -> ctx.attribute(SOURCE, s));
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

  private static final String SOURCE = "segmenta.source";

  /** The source whose write key opened this request (tracking and decision routes only). */
  static Source source(Context ctx) {
    return ctx.attribute(SOURCE);
  }

  /** The {@code writeKey} field of a JSON body, if it has one (the body is parsed once; the route reuses it). */
  private static String bodyKey(Context ctx) {
    if (ctx.bodyAsBytes().length == 0) {
      return null;
    }
    JsonNode k = Http.body(ctx, MAX_BODY).get("writeKey");
    return k != null && k.isTextual() && !k.asText().isEmpty() ? k.asText() : null;
  }

  public int port() {
    return app.port();
  }

  /** Calls {@code listener} with every batch of membership changes of real-time segments, as they are decided. */
  public void listen(Consumer<List<MembershipChange>> listener) {
    feed.listen(listener);
  }

  /**
   * What {@code segmenta status} prints for a data directory with no server running: the journal's records not yet
   * applied and the parked files with their item counts, as JSON (the shape of {@code GET /admin/status}'s
   * {@code journal.pending} and {@code parkedFiles}).
   */
  public static String offlineStatus(Path dataDir) throws IOException {
    return StatusRoutes.offline(dataDir).toPrettyString();
  }

  /**
   * Moves the journal's parked records back into the journal of a data directory no server runs on, so the next
   * start applies them (once their cause is fixed); returns how many ({@code segmenta status --requeue-journal}).
   */
  public static int requeueParkedJournal(Path dataDir) throws IOException {
    return JournalFile.requeue(dataDir);
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
    reviews.close();
    destinations.close();
    journeys.close();
    app.stop();
    writer.close();
    feed.close();
    webhooks.close();
    decisions.close();
  }
}
