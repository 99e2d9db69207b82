package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.core.value.Value;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment's own Node client library ({@code @segment/analytics-node} from the npm registry, installed by
 * {@code scripts/node-deps}) sends a visitor's session to the server unchanged; the test checks what was stored.
 */
class SegmentClientTest {
  @TempDir
  Path dir;

  static Path checkout() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("scripts/node-deps"))) {
      p = p.getParent();
    }
    return p;
  }

  static int run(Path cwd, Map<String, String> env, Path log, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  @Test
  void analyticsNode_sessionIsStored() throws Exception {
    Path root = checkout();
    boolean node = root != null && new ProcessBuilder("node", "--version").start().waitFor(30, TimeUnit.SECONDS);
    if (!node) {
      System.out.println("skipped: node is not installed (scripts/setup installs it)");
    }
    assumeTrue(node, "node is not installed (scripts/setup installs it)");
    Path log = dir.resolve("npm.log");
    int installed = run(root, Map.of(), log, "bash", "scripts/node-deps");
    assertEquals(0, installed, "scripts/node-deps failed: " + Files.readString(log));
    Path script = dir.resolve("client.js");
    try (InputStream in = SegmentClientTest.class.getResourceAsStream("/segment-client.js")) {
      Files.write(script, in.readAllBytes());
    }
    try (Store store = DuckDb.open(StoreConfig.resolve(dir.resolve("db"), "1GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_npm"), "admin-key-npm", Clock.systemUTC(), dir.resolve("db")))) {
      Path out = dir.resolve("client.log");
      int code = run(root, Map.of("WRITE_KEY", "wk_npm", "HOST", "http://127.0.0.1:" + server.port(),
          "NODE_PATH", root.resolve(".cache/node/node_modules").toString()), out, "node", script.toString());
      String printed = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, code, printed);
      assertTrue(printed.contains("flushed"), printed);

      server.flush();
      ProfileHistory h = store.profiles().history("npm-1").orElseThrow(() -> new AssertionError("no profile npm-1: " + printed));
      assertEquals(new Value.Str("Nora"), h.profile().trait("first_name"));
      assertEquals(new Value.Str("pro"), h.profile().trait("plan"));
      assertTrue(h.profile().identifiers().stream().anyMatch(i -> i.kind().equals("email") && i.value().equals("npm.client@example.com")));
      assertTrue(h.profile().identifiers().stream().anyMatch(i -> i.value().equals("old-device-9")), "alias links the previous id");
      List<String> types = h.events().stream().map(Event::type).sorted().toList();
      assertEquals(List.of("group", "newsletter_subscribed", "order", "page_view", "product_view", "screen_view"), types,
          "the anonymous page and product view were stitched to the customer");
      Event page = h.events().stream().filter(e -> e.type().equals("page_view")).findFirst().orElseThrow();
      assertEquals(new Value.Str("social"), page.property("traffic_source"));
      assertEquals(new Value.Str("spring"), page.property("utm_campaign"));
      Event order = h.events().stream().filter(e -> e.type().equals("order")).findFirst().orElseThrow();
      assertEquals(new Value.Num(42), order.property("revenue"));
      assertEquals(2.0, order.lines().get(0).quantity());
      assertTrue(order.id().length() > 10, "the client's messageId is the event id: " + order.id());
    }
  }
}
