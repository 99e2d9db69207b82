package io.segmenta.web.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in sessions, in memory: a random 256-bit token (the cookie) names a user and carries a CSRF token of its own
 * (synchronizer token: every form of the session holds it, every POST must send it back). A session ends at logout,
 * after {@link #IDLE} without a request, or when its user is removed; a restart signs everyone out.
 *
 * <p>Forms shown before signing in (the login form) use {@link #matches} on a token kept in a cookie of its own
 * (double submit): a page of another origin can make the browser send the cookie but cannot read it to put it in
 * the form.
 */
public final class Sessions {
  public static final Duration IDLE = Duration.ofHours(8);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A signed-in session: whose, its CSRF token, and when it was last used. */
  public record Session(String token, String user, String csrf, Instant lastSeen) {}

  private final Clock clock;
  private final Map<String, Session> byToken = new ConcurrentHashMap<>();

  public Sessions(Clock clock) {
    this.clock = clock;
  }

  /** Starts a session for a user who just signed in. */
  public Session start(String user) {
    prune();
    Session s = new Session(token(), user, token(), clock.instant());
    byToken.put(s.token(), s);
    return s;
  }

  /** The live session of a cookie's token, its idle time restarted; empty for an unknown or expired token. */
  public Optional<Session> find(String token) {
    if (token == null) {
      return Optional.empty();
    }
    Session s = byToken.get(token);
    if (s == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!now.isBefore(s.lastSeen().plus(IDLE))) {
      byToken.remove(token);
      return Optional.empty();
    }
    Session seen = new Session(s.token(), s.user(), s.csrf(), now);
    byToken.put(token, seen);
    return Optional.of(seen);
  }

  public void end(String token) {
    if (token != null) {
      byToken.remove(token);
    }
  }

  /** Ends every session of a user (removed, or its role changed). */
  public void endAll(String user) {
    byToken.values().removeIf(s -> s.user().equals(user));
  }

  /** A new random token: 32 bytes, base64url. */
  public static String token() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Whether a CSRF token sent back equals the expected one, in constant time; false when either is missing or empty. */
  public static boolean matches(String expected, String given) {
    if (expected == null || given == null || expected.isEmpty() || given.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private void prune() {
    Instant now = clock.instant();
    for (Iterator<Session> it = byToken.values().iterator(); it.hasNext(); ) {
      if (!now.isBefore(it.next().lastSeen().plus(IDLE))) {
        it.remove();
      }
    }
  }
}
