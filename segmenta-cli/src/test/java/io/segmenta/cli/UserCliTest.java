package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.web.auth.Role;
import io.segmenta.web.auth.Users;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segmenta user add|list|remove}: the password from standard input, never an argument; the web app's checks and messages. */
class UserCliTest {
  @TempDir
  Path dir;

  private StatusCliTest.Result withStdin(String stdin, String... args) {
    InputStream was = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return StatusCliTest.run(args);
    } finally {
      System.setIn(was);
    }
  }

  @Test
  void user_addListRemove_throughTheUsersFile() throws Exception {
    String d = dir.toString();
    StatusCliTest.Result add = withStdin("a long password\n", "user", "add", "ann", "--role", "admin", "--data-dir", d);
    assertEquals(0, add.code(), add.out() + add.err());
    assertEquals("added ann as admin", add.out().trim());
    assertEquals(Role.ADMIN, Users.in(dir).authenticate("ann", "a long password".toCharArray()).orElseThrow().role());
    assertFalse(Files.readString(dir.resolve(Users.FILE)).contains("a long password"));

    StatusCliTest.Result again = withStdin("a long password\n", "user", "add", "ann", "--role", "viewer", "--data-dir", d);
    assertEquals(2, again.code(), again.out() + again.err());
    assertTrue(again.err().contains("user 'ann' already exists"), again.err());
    StatusCliTest.Result shortOne = withStdin("short\n", "user", "add", "bob", "--role", "viewer", "--data-dir", d);
    assertEquals(2, shortOne.code());
    assertTrue(shortOne.err().contains("a password needs at least 10 characters, got 5"), shortOne.err());
    StatusCliTest.Result badRole = withStdin("a long password\n", "user", "add", "bob", "--role", "boss", "--data-dir", d);
    assertTrue(badRole.err().contains("role must be viewer, marketer or admin, got 'boss'"), badRole.err());

    assertEquals(0, withStdin("another password\n", "user", "add", "bob", "--role", "viewer", "--data-dir", d).code());
    StatusCliTest.Result list = StatusCliTest.run("user", "list", "--data-dir", d);
    assertTrue(list.out().matches("(?s)ann\\s+admin\\s+bob\\s+viewer\\s*"), list.out());
    StatusCliTest.Result last = StatusCliTest.run("user", "remove", "ann", "--data-dir", d);
    assertEquals(2, last.code());
    assertTrue(last.err().contains("the last admin"), last.err());
    assertEquals(0, StatusCliTest.run("user", "remove", "bob", "--data-dir", d).code());
    assertTrue(Users.in(dir).find("bob").isEmpty());
  }
}
