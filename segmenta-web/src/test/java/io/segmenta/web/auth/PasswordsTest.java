package io.segmenta.web.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordsTest {
  // A low count keeps the test quick; verification reads the count from the hash either way.
  private final Passwords p = new Passwords(1_000);

  @Test
  void verify_rightPassword_matches() {
    assertTrue(p.verify("correct horse battery".toCharArray(), p.hash("correct horse battery".toCharArray())));
  }

  @Test
  void verify_wrongPassword_doesNotMatch() {
    String h = p.hash("correct horse battery".toCharArray());
    assertFalse(p.verify("correct horse batterz".toCharArray(), h));
    assertFalse(p.verify(new char[0], h));
  }

  @Test
  void hash_samePasswordTwice_differsBySalt() {
    assertNotEquals(p.hash("same password!".toCharArray()), p.hash("same password!".toCharArray()));
  }

  @Test
  void hash_default_usesTheStandardCountAndScheme() {
    String h = new Passwords().hash("a long enough one".toCharArray());
    assertTrue(h.startsWith("pbkdf2-sha256$" + Passwords.ITERATIONS + "$"), h);
  }

  @Test
  void verify_tamperedHash_doesNotMatch() {
    String h = p.hash("correct horse battery".toCharArray());
    String[] parts = h.split("\\$");
    byte[] hash = Base64.getDecoder().decode(parts[3]);
    hash[0] ^= 1;
    String flipped = parts[0] + "$" + parts[1] + "$" + parts[2] + "$" + Base64.getEncoder().withoutPadding().encodeToString(hash);
    assertFalse(p.verify("correct horse battery".toCharArray(), flipped));
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    salt[0] ^= 1;
    assertFalse(p.verify("correct horse battery".toCharArray(),
        parts[0] + "$" + parts[1] + "$" + Base64.getEncoder().withoutPadding().encodeToString(salt) + "$" + parts[3]));
    assertFalse(p.verify("correct horse battery".toCharArray(), parts[0] + "$" + (Integer.parseInt(parts[1]) + 1) + "$" + parts[2] + "$" + parts[3]));
  }

  @Test
  void verify_malformedHash_doesNotMatchAndDoesNotThrow() {
    char[] pw = "correct horse battery".toCharArray();
    for (String bad : new String[] {null, "", "pbkdf2-sha256$1000$", "md5$1$AA$AA", "pbkdf2-sha256$x$AA$AA", "pbkdf2-sha256$1000$!!$AA",
        "pbkdf2-sha256$999999999$AAAA$" + "A".repeat(43), "pbkdf2-sha256$0$AAAA$" + "A".repeat(43)}) {
      assertFalse(p.verify(pw, bad), String.valueOf(bad));
    }
  }

  @Test
  void checkNew_shortPassword_isRefusedWithItsLength() {
    UserException e = assertThrows(UserException.class, () -> Passwords.checkNew("short".toCharArray()));
    assertTrue(e.getMessage().contains("got 5"), e.getMessage());
  }
}
