package io.segmenta.server;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The unsubscribe link of a profile: {@code <base>/v1/unsubscribe?p=<profile>&t=<token>}, the token an HMAC-SHA256 of
 * the profile id under a key derived from the admin key, so nobody can unsubscribe someone else by guessing ids.
 * Changing the admin key invalidates the links already sent.
 */
final class UnsubscribeLinks {
  private final byte[] key;
  private final Supplier<String> base;

  UnsubscribeLinks(String adminKey, Supplier<String> base) {
    this.key = hmac(adminKey.getBytes(StandardCharsets.UTF_8), "segmenta unsubscribe links");
    this.base = base;
  }

  String url(String profileId) {
    return base.get() + "/v1/unsubscribe?p=" + URLEncoder.encode(profileId, StandardCharsets.UTF_8) + "&t=" + token(profileId);
  }

  boolean valid(String profileId, String token) {
    return profileId != null && token != null
        && MessageDigest.isEqual(token(profileId).getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
  }

  private String token(String profileId) {
    return HexFormat.of().formatHex(hmac(key, profileId), 0, 16);
  }

  private static byte[] hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
