package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteKeysTest {
  @TempDir
  Path dir;

  @Test
  void create_thenSourceThenRevoke_keyWorksUntilRevoked() throws Exception {
    WriteKeys keys = WriteKeys.in(dir);
    String key = keys.create("shop-web", true, Instant.parse("2026-12-05T10:00:00Z"), List.of());
    assertTrue(key.startsWith("wk_") && key.length() == 35, key);
    Source s = keys.source(key).orElseThrow();
    assertEquals("shop-web", s.name());
    assertFalse(Files.readString(dir.resolve(WriteKeys.FILE)).contains(key), "the file keeps the hash, never the key");
    assertEquals(key.substring(0, 7), keys.list().get(0).prefix());
    keys.revoke("shop-web");
    assertTrue(keys.source(key).isEmpty());
    assertTrue(keys.list().isEmpty());
  }

  @Test
  void create_takenOrMalformedName_isRefused() {
    WriteKeys keys = WriteKeys.in(dir);
    keys.create("app", false, Instant.EPOCH, List.of());
    assertThrows(UserException.class, () -> keys.create("app", false, Instant.EPOCH, List.of()));
    assertThrows(UserException.class, () -> keys.create("given", false, Instant.EPOCH, List.of("given")));
    UserException bad = assertThrows(UserException.class, () -> keys.create("a b", false, Instant.EPOCH, List.of()));
    assertTrue(bad.getMessage().contains("'a b'"), bad.getMessage());
    assertThrows(UserException.class, () -> keys.revoke("nobody"));
  }
}
