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

  // One digest per thread and algorithm: a sync hashes a million identifiers, and looking the provider up each time
  // costs more than hashing a short address. digest() resets the instance, so a reused one starts clean.
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> digest("SHA-256"));
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> digest("MD5"));

  private static String hex(String algorithm, String text) {
    MessageDigest d = (algorithm.equals("SHA-256") ? SHA256 : MD5).get();
    return HEX.formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }
}
