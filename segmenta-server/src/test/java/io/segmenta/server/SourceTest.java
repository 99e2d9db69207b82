package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sources as the command line writes them, and how plain write keys and named sources combine in the options. */
class SourceTest {
  static final Path DIR = Path.of("unused");

  @Test
  void parse_nameKeyAndFlag() {
    assertEquals(new Source("web", "wk_1", false), Source.parse("web:wk_1"));
    assertEquals(new Source("backend", "wk_2", true), Source.parse("backend:wk_2:strict"));
    assertEquals(new Source("app", "wk_3", false), Source.parse("app:wk_3:lenient"));
  }

  @Test
  void parse_badSpecs_nameTheProblemWithoutTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Source.parse("web:wk_secret:sometimes"));
    assertTrue(e.getMessage().contains("sometimes"), e.getMessage());
    IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class, () -> Source.parse("justaname"));
    assertTrue(noKey.getMessage().contains("name:key"), noKey.getMessage());
    IllegalArgumentException many = assertThrows(IllegalArgumentException.class, () -> Source.parse("a:wk_secret:strict:x"));
    assertFalse(many.getMessage().contains("wk_secret"), "the key stays out of messages: " + many.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Source.parse("bad name:wk_1"));
    assertThrows(IllegalArgumentException.class, () -> Source.parse("web:wk 1"));
  }

  @Test
  void options_plainKeysBecomeLenientDefaultSources() {
    Server.Options o = new Server.Options("127.0.0.1", 0, Set.of("wk_b", "wk_a"), "admin-key-1", Clock.systemUTC(), DIR);
    assertEquals(List.of(Source.lenient("default", "wk_a"), Source.lenient("default-2", "wk_b")), o.sources());
    assertEquals(Set.of("wk_a", "wk_b"), o.writeKeys());
    assertEquals(Server.BODY_TIMEOUT, o.bodyTimeout());
    assertTrue(o.corsOrigins().isEmpty(), "any origin by default");
  }

  @Test
  void options_withSources_keepsOtherKeysAndFindsByKey() {
    Server.Options o = new Server.Options("127.0.0.1", 0, Set.of("wk_a", "wk_b"), "admin-key-1", Clock.systemUTC(), DIR)
        .withSources(List.of(new Source("backend", "wk_b", true), new Source("app", "wk_c", false)));
    assertEquals(Set.of("wk_a", "wk_b", "wk_c"), o.writeKeys());
    assertTrue(o.source("wk_b").orElseThrow().strict());
    assertEquals("app", o.source("wk_c").orElseThrow().name());
    assertEquals("default", o.source("wk_a").orElseThrow().name());
    assertTrue(o.source("wk_zzz").isEmpty());
  }

  @Test
  void options_conflicts_areRefused() {
    Server.Options base = new Server.Options("127.0.0.1", 0, Set.of("wk_a"), "admin-key-1", Clock.systemUTC(), DIR);
    assertThrows(IllegalArgumentException.class, () -> base.withSources(List.of(new Source("x", "wk_1", false), new Source("x", "wk_2", false))));
    assertThrows(IllegalArgumentException.class, () -> base.withSources(List.of(new Source("x", "admin-key-1", false))));
    assertThrows(IllegalArgumentException.class, () -> base.withCorsOrigins(Set.of("shop.example")));
    assertEquals(Set.of("https://shop.example"), base.withCorsOrigins(Set.of("https://shop.example")).corsOrigins());
  }
}
