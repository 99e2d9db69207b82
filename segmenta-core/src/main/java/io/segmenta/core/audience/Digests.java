package io.segmenta.core.audience;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Lower-case hex digests of UTF-8 text: SHA-256 for the ad platforms, MD5 for Mailchimp's member ids. */
public final class Digests {
  private static final HexFormat HEX = HexFormat.of();

  private Digests() {}

  public static String sha256Hex(String text) {
    return hex("SHA-256", text);
  }

  public static String md5Hex(String text) {
    return hex("MD5", text);
  }

  private static String hex(String algorithm, String text) {
    try {
      return HEX.formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }
}
