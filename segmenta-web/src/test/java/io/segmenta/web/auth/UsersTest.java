package io.segmenta.web.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersTest {
  @TempDir
  Path dir;

  @Test
  void add_thenAuthenticate_onlyWithTheRightPassword() throws Exception {
    Users u = new Users(dir.resolve(Users.FILE), new Passwords(1_000));
    u.add("ann", Role.ADMIN, "a long password".toCharArray());
    assertEquals(Role.ADMIN, u.authenticate("ann", "a long password".toCharArray()).orElseThrow().role());
    assertTrue(u.authenticate("ann", "a long passwork".toCharArray()).isEmpty());
    assertTrue(u.authenticate("nobody", "a long password".toCharArray()).isEmpty());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(Users.FILE))));
    assertFalse(Files.readString(dir.resolve(Users.FILE)).contains("a long password"));
  }

  @Test
  void add_takenOrBadName_isRefused() {
    Users u = new Users(dir.resolve(Users.FILE), new Passwords(1_000));
    u.add("ann", Role.VIEWER, "a long password".toCharArray());
    assertEquals("user 'ann' already exists; remove it first to change its role or password",
        assertThrows(UserException.class, () -> u.add("ann", Role.ADMIN, "a long password".toCharArray())).getMessage());
    assertTrue(assertThrows(UserException.class, () -> u.add("Ann Smith", Role.ADMIN, "a long password".toCharArray()))
        .getMessage().contains("got 'Ann Smith'"));
  }

  @Test
  void remove_lastAdminWithOthersLeft_isRefused() {
    Users u = new Users(dir.resolve(Users.FILE), new Passwords(1_000));
    u.add("ann", Role.ADMIN, "a long password".toCharArray());
    u.add("bob", Role.VIEWER, "a long password".toCharArray());
    assertThrows(UserException.class, () -> u.remove("ann"));
    u.remove("bob");
    u.remove("ann");
    assertTrue(u.list().isEmpty());
    assertThrows(UserException.class, () -> u.remove("ann"));
  }

  @Test
  void find_fileChangedByAnotherProcess_isReadAgain() {
    Path f = dir.resolve(Users.FILE);
    Users server = new Users(f, new Passwords(1_000));
    assertTrue(server.find("ann").isEmpty());
    new Users(f, new Passwords(1_000)).add("ann", Role.MARKETER, "a long password".toCharArray());
    assertEquals(Role.MARKETER, server.find("ann").orElseThrow().role());
  }
}
