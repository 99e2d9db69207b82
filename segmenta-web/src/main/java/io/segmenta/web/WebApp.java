package io.segmenta.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.segmenta.core.UserException;
import io.segmenta.core.destination.Syncs;
import io.segmenta.core.erasure.Erasures;
import io.segmenta.core.personalize.Personalization;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.AsOfDefault;
import io.segmenta.server.Server;
import io.segmenta.server.WriteKeys;
import io.segmenta.web.auth.LoginThrottle;
import io.segmenta.web.auth.Role;
import io.segmenta.web.auth.Sessions;
import io.segmenta.web.auth.User;
import io.segmenta.web.auth.Users;
import io.segmenta.web.view.Templates;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app, added to the server as an {@link Server.Extension}: the pages of {@link Pages} for signed-in users of
 * the right role, the login form, logout, the settings actions and the assets. Every page reads the store at the
 * as-of commands use by default (now, or the newest event when the data ended over a month ago).
 *
 * <p>Every POST carries a CSRF token ({@link Auth}); every write goes through the same checks as the CLI and the API.
 * Answers are HTML with a strict Content-Security-Policy (scripts and styles from this server only), never cached.
 * Logs carry paths and exception classes, never names or form values.
 */
public final class WebApp implements Server.Extension {
  private static final Logger LOG = LoggerFactory.getLogger(WebApp.class);

  private final Store store;
  private final Users users;
  private final Clock clock;
  private final Templates templates = new Templates();
  private final Assets assets = new Assets();
  private final Auth auth;
  private final List<Page> pages = Pages.all();
  private final Jobs jobs = new Jobs();
  private volatile Supplier<Personalization> decisions = () -> null;

  public WebApp(Store store, Users users, Clock clock) {
    this(store, users, clock, LoginThrottle.standard(clock));
  }

  WebApp(Store store, Users users, Clock clock, LoginThrottle throttle) {
    this.store = store;
    this.users = users;
    this.clock = clock;
    this.auth = new Auth(users, new Sessions(clock), throttle, templates);
  }

  /** What must hear of an erasure made through the app (the server's lifecycle, once installed). */
  private volatile Erasures.Holder erased = (person, anonymous) -> { };

  @Override
  public void install(JavalinConfig config, Runnable freshReads, Erasures.Holder erased) {
    this.erased = erased;
    install(config, freshReads);
  }

  @Override
  public void decisions(Supplier<Personalization> current) {
    this.decisions = current;
  }

  @Override
  public void destinations(Syncs syncs) {
    DestinationsPage.use(store, syncs);
  }

  @Override
  public void install(JavalinConfig config, Runnable freshReads) {
    // Every page's as-of reads the store's statistics, which the store keeps between writes: count them now, in the
    // background, so the first visitor of a large shop does not wait for the count.
    // The templates are parsed first (milliseconds each), so the first page does not parse its own.
    jobs.start("warm-up", "counting the store", p -> {
      pages.stream().map(Page::template).distinct().forEach(templates::compile);
      List.of("login", "error", "plain-error").forEach(templates::compile);
      p.step("counting the store");
      var stats = store.profiles().stats();
      p.step("counting the known values of text traits for the builder");
      KnownValues.count(store, asOf());
      return stats;
    });
    config.routes.get("/assets/{name}", assets::serve);
    config.routes.get("/login", guarded(auth::loginForm));
    config.routes.post("/login", guarded(auth::login));
    config.routes.post("/logout", guarded(ctx -> auth.signedIn(ctx, true).ifPresent(v -> auth.logout(ctx, v))));
    for (Page p : pages) {
      config.routes.get(p.path(), guarded(ctx -> show(p, ctx, freshReads, Map.of(), 200)));
    }
    for (Action a : Pages.actions()) {
      config.routes.post(a.path(), guarded(ctx -> act(a, ctx, freshReads)));
    }
    for (Download d : Pages.downloads()) {
      config.routes.get(d.path(), guarded(ctx -> download(d, ctx, freshReads)));
    }
  }

  /** A file for the signed-in user of the right role, written by its {@link Download.Writer}. */
  private void download(Download d, Context ctx, Runnable freshReads) {
    Optional<Visit> visit = visit(ctx, false);
    if (visit.isPresent() && !visit.get().user().role().atLeast(d.needs())) {
      refuse(ctx, visit.get(), d.needs(), d.path());
    } else if (visit.isPresent()) {
      freshReads.run();
      d.writer().write(visit.get());
    }
  }

  /** A page for the signed-in user: its model, the layout's (navigation, user, CSRF token), rendered. */
  private void show(Page p, Context ctx, Runnable freshReads, Map<String, Object> extra, int status) {
    Optional<Visit> visit = visit(ctx, false);
    if (visit.isEmpty()) {
      return;
    }
    Visit v = visit.get();
    if (!v.user().role().atLeast(p.needs())) {
      refuse(ctx, v, p.needs(), p.title());
      return;
    }
    freshReads.run();
    Map<String, Object> model = new HashMap<>(layout(v, p.path(), p.title()));
    model.putAll(p.loader().load(v));
    model.putAll(extra);
    html(ctx.status(status), templates.render(p.template(), model));
  }

  /** A form's action: the role and the CSRF token checked, then done; a mistake shows the page again with the message. */
  private void act(Action a, Context ctx, Runnable freshReads) {
    Optional<Visit> visit = visit(ctx, true);
    if (visit.isEmpty()) {
      return;
    }
    Visit v = visit.get();
    Page page = pages.stream().filter(p -> p.path().equals(a.page())).findFirst().orElseThrow();
    if (!v.user().role().atLeast(page.needs())) {
      refuse(ctx, v, page.needs(), page.title());
      return;
    }
    try {
      String done = a.handler().apply(v);
      if (ctx.statusCode() / 100 == 3) {
        return; // the action sent the browser on (to what it made)
      }
      show(page, ctx, freshReads, Map.of("notice", done), 200);
    } catch (UserException e) {
      show(page, ctx, freshReads, Map.of("error", e.getMessage()), 400);
    }
  }

  private Optional<Visit> visit(Context ctx, boolean post) {
    Optional<SignedIn> v = auth.signedIn(ctx, post);
    return v.map(x -> new Visit(store, users, asOf(), x.user(), x.session(), ctx, services(), erased));
  }

  private Services services() {
    return new Services(jobs, decisions, WriteKeys.in(users.directory()));
  }

  private Instant asOf() {
    return AsOfDefault.of(clock.instant(), store.profiles().stats().lastEvent());
  }

  private void refuse(Context ctx, Visit v, Role needed, String what) {
    Map<String, Object> model = new HashMap<>(layout(v, "", "Not allowed"));
    model.put("message", "the page " + (what == null ? ctx.path() : what) + " needs the role " + needed.label() + "; you are signed in as a " + v.user().role().label());
    html(ctx.status(403), templates.render("error", model));
  }

  /** What the layout shows: the navigation the user's role may open, who is signed in, the session's CSRF token. */
  private Map<String, Object> layout(Visit v, String path, String title) {
    List<Map<String, Object>> nav = new ArrayList<>();
    for (Page p : pages) {
      if (p.title() != null && v.user().role().atLeast(p.needs())) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("path", p.path());
        item.put("title", p.title());
        item.put("current", p.path().equals(path));
        nav.add(item);
      }
    }
    Map<String, Object> m = new HashMap<>();
    m.put("nav", nav);
    m.put("title", title);
    m.put("user", v.user().name());
    m.put("role", v.user().role().label());
    m.put("csrf", v.session().csrf());
    m.put("asOf", v.asOf().toString());
    m.put("masked", Masking.of(v).masked());
    // Where a page's background part asks again (htmx polling): the page with its query; after a form, the page itself.
    String query = v.ctx().queryString();
    m.put("self", path + ("GET".equals(v.ctx().method().name()) && query != null ? "?" + query : ""));
    m.put("notice", "");
    m.put("error", "");
    return m;
  }

  /** Every answer: its security headers, and an error page instead of a stack trace. */
  private Handler guarded(Handler h) {
    return ctx -> {
      ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
          + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
      ctx.header("X-Content-Type-Options", "nosniff");
      ctx.header("Referrer-Policy", "same-origin");
      ctx.header("Cache-Control", "no-store");
      try {
        h.handle(ctx);
      } catch (UserException e) {
        error(ctx, 400, e.getMessage());
      } catch (Exception e) {
        LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.getClass().getName());
        error(ctx, 500, "the page could not be shown; nothing was changed");
      }
    };
  }

  private void error(Context ctx, int status, String message) {
    Map<String, Object> model = new HashMap<>();
    model.put("message", message);
    html(ctx.status(status), templates.render("plain-error", model));
  }

  static void html(Context ctx, String body) {
    ctx.contentType("text/html; charset=utf-8").result(body);
  }

  /** Signed-in user and session, as {@link Auth} finds them. */
  record SignedIn(User user, Sessions.Session session) {}
}
