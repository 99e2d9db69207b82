package io.segmenta.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.segmenta.web.auth.LoginThrottle;
import io.segmenta.web.auth.Sessions;
import io.segmenta.web.auth.User;
import io.segmenta.web.auth.Users;
import io.segmenta.web.view.Templates;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in and out over HTTP. The session cookie is HttpOnly, SameSite=Lax, and Secure when the request came over
 * TLS or through a proxy that says so ({@code X-Forwarded-Proto: https}). Every POST must carry the CSRF token: the
 * session's for signed-in forms, the login cookie's (double submit) for the login form. Login attempts pass the
 * {@link LoginThrottle} before any password is hashed; the client address is the connection's (a forwarded-for
 * header is not trusted: anyone can write it).
 */
final class Auth {
  static final String SESSION_COOKIE = "segmenta_session";
  static final String LOGIN_COOKIE = "segmenta_login";
  static final String CSRF_FIELD = "csrf";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String STALE_FORM = "the form's security token is missing or stale; reload the page and send it again";

  private final Users users;
  private final Sessions sessions;
  private final LoginThrottle throttle;
  private final Templates templates;

  Auth(Users users, Sessions sessions, LoginThrottle throttle, Templates templates) {
    this.users = users;
    this.sessions = sessions;
    this.throttle = throttle;
    this.templates = templates;
  }

  /**
   * The signed-in user of a request; for a POST, only with the session's CSRF token. When there is none, the answer is
   * already sent: a page redirects to the login form, a POST is refused.
   */
  Optional<WebApp.SignedIn> signedIn(Context ctx, boolean post) {
    Optional<Sessions.Session> s = sessions.find(ctx.cookie(SESSION_COOKIE));
    // The user is read again on each request: a removed user is signed out, a changed role applies at once.
    Optional<User> u = s.flatMap(x -> users.find(x.user()));
    if (s.isPresent() && u.isEmpty()) {
      sessions.end(s.get().token());
    }
    if (u.isEmpty()) {
      if (post) {
        plain(ctx, 401, "sign in first; your session has ended");
      } else {
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
      }
      return Optional.empty();
    }
    if (post && !Sessions.matches(s.get().csrf(), sent(ctx))) {
      plain(ctx, 403, STALE_FORM);
      return Optional.empty();
    }
    return Optional.of(new WebApp.SignedIn(u.get(), s.get()));
  }

  void loginForm(Context ctx) {
    if (sessions.find(ctx.cookie(SESSION_COOKIE)).flatMap(x -> users.find(x.user())).isPresent()) {
      ctx.redirect("/", HttpStatus.SEE_OTHER);
      return;
    }
    showLogin(ctx, 200, "", "");
  }

  void login(Context ctx) {
    String expected = ctx.cookie(LOGIN_COOKIE);
    if (!Sessions.matches(expected, sent(ctx))) {
      showLogin(ctx, 403, STALE_FORM, "");
      return;
    }
    String name = value(ctx.formParam("name")).trim();
    String password = value(ctx.formParam("password"));
    String address = ctx.ip();
    Optional<Duration> wait = throttle.refused(name, address);
    if (wait.isPresent()) {
      long minutes = Math.max(1, (wait.get().toSeconds() + 59) / 60);
      ctx.header("Retry-After", Long.toString(Math.max(1, wait.get().toSeconds())));
      showLogin(ctx, 429, "too many failed sign-ins for this user or from this address; try again in " + minutes
          + (minutes == 1 ? " minute" : " minutes"), name);
      return;
    }
    Optional<User> u = users.authenticate(name, password.toCharArray());
    if (u.isEmpty()) {
      throttle.failed(name, address);
      showLogin(ctx, 401, "wrong user name or password", name);
      return;
    }
    throttle.succeeded(name);
    Sessions.Session s = sessions.start(u.get().name());
    // A fresh token at every sign-in: a token planted before it (session fixation) is worth nothing after.
    ctx.res().addHeader("Set-Cookie", cookie(ctx, SESSION_COOKIE, s.token(), -1));
    ctx.res().addHeader("Set-Cookie", cookie(ctx, LOGIN_COOKIE, "", 0));
    ctx.redirect("/", HttpStatus.SEE_OTHER);
  }

  void logout(Context ctx, WebApp.SignedIn who) {
    sessions.end(who.session().token());
    ctx.res().addHeader("Set-Cookie", cookie(ctx, SESSION_COOKIE, "", 0));
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  private void showLogin(Context ctx, int status, String error, String name) {
    String token = ctx.cookie(LOGIN_COOKIE);
    if (token == null || token.isEmpty()) {
      token = Sessions.token();
      ctx.res().addHeader("Set-Cookie", cookie(ctx, LOGIN_COOKIE, token, -1));
    }
    Map<String, Object> model = new HashMap<>();
    model.put("csrf", token);
    model.put("error", error);
    model.put("name", name);
    model.put("noUsers", users.list().isEmpty());
    WebApp.html(ctx.status(status), templates.render("login", model));
  }

  private void plain(Context ctx, int status, String message) {
    Map<String, Object> model = new HashMap<>();
    model.put("message", message);
    WebApp.html(ctx.status(status), templates.render("plain-error", model));
  }

  /** The CSRF token a request sent: the form field, or the header htmx adds. */
  private static String sent(Context ctx) {
    String h = ctx.header(CSRF_HEADER);
    return h != null ? h : ctx.formParam(CSRF_FIELD);
  }

  private static String value(String s) {
    return s == null ? "" : s;
  }

  /** A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure behind TLS; maxAge 0 deletes, -1 lasts the browser session. */
  static String cookie(Context ctx, String name, String value, int maxAge) {
    boolean tls = "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    return name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" + (maxAge >= 0 ? "; Max-Age=" + maxAge : "") + (tls ? "; Secure" : "");
  }
}
