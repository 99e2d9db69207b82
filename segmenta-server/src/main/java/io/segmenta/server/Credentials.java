package io.segmenta.server;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** How a request presents its key (a Bearer token or Basic's user name), and comparing keys in constant time. */
final class Credentials {
  private Credentials() {}

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

  static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
