package io.segmenta.web.auth;

import io.segmenta.core.UserException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes with PBKDF2-HMAC-SHA256 (the JDK's {@code PBKDF2WithHmacSHA256}, RFC 8018), a random 16-byte salt per
 * user and 600,000 iterations (OWASP's figure for this function), written as
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (base64) so the count can rise later without breaking stored hashes.
 *
 * <p>Why a key-derivation function: a stolen users file should cost an attacker the iteration count per guess. The
 * comparison is constant-time ({@link MessageDigest#isEqual}), and a malformed or tampered hash never matches.
 */
public final class Passwords {
  /** OWASP's password storage cheat sheet, PBKDF2-HMAC-SHA256. */
  public static final int ITERATIONS = 600_000;
  static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  /** A stored count above this is refused rather than run: a tampered file must not make a login hang. */
  private static final int MAX_ITERATIONS = 10_000_000;
  /** Longer passwords are refused: PBKDF2's cost grows with nothing but the count, but a bound keeps requests small. */
  public static final int MAX_LENGTH = 1024;
  public static final int MIN_LENGTH = 10;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final int iterations;

  /** Hashes at {@link #ITERATIONS}. */
  public Passwords() {
    this(ITERATIONS);
  }

  /** Hashes at another count (tests); verification always uses the count a hash names. */
  Passwords(int iterations) {
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be between 1 and " + MAX_ITERATIONS + ", got " + iterations);
    }
    this.iterations = iterations;
  }

  /** A new hash of {@code password} with a fresh salt. */
  public String hash(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(derive(password, salt, iterations));
  }

  /** Whether {@code password} is the one {@code stored} was made from; false for any malformed hash. */
  public boolean verify(char[] password, String stored) {
    if (stored == null) {
      return false;
    }
    String[] parts = stored.split("\\$", -1);
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      return false;
    }
    int n;
    byte[] salt;
    byte[] expected;
    try {
      n = Integer.parseInt(parts[1]);
      salt = Base64.getDecoder().decode(parts[2]);
      expected = Base64.getDecoder().decode(parts[3]);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (n < 1 || n > MAX_ITERATIONS || salt.length == 0 || expected.length != HASH_BITS / 8) {
      return false;
    }
    return MessageDigest.isEqual(derive(password, salt, n), expected);
  }

  /** Checks a new password's length; the message names the length, never the password. */
  public static void checkNew(char[] password) {
    if (password.length < MIN_LENGTH) {
      throw new UserException("a password needs at least " + MIN_LENGTH + " characters, got " + password.length);
    }
    if (password.length > MAX_LENGTH) {
      throw new UserException("a password has at most " + MAX_LENGTH + " characters, got " + password.length);
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
    }
  }
}
