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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RudderStack's Node SDK ({@code @rudderstack/rudder-sdk-node} from npm, installed by {@code scripts/node-deps})
 * with its defaults: gzip bodies claiming {@code application/x-www-form-urlencoded}, {@code /v1/batch}, HTTP Basic,
 * {@code originalTimestamp} and {@code sentAt} instead of {@code timestamp}. The server's clock runs an hour ahead of
 * the client's, so a stored time is right only if it is corrected for the skew as Segment's spec says
 * (timestamp = receivedAt − (sentAt − originalTimestamp)).
 */
class RudderStackClientTest {
  @TempDir
  Path dir;

  @Test
  void rudderSdkNode_withDefaults_storesTheSessionOnce() throws Exception {
    Path root = SegmentClientTest.checkout();
    boolean node = root != null && new ProcessBuilder("node", "--version").start().waitFor(30, TimeUnit.SECONDS);
    assumeTrue(node, "node is not installed (scripts/setup installs it)");
    Path log = dir.resolve("npm.log");
    assertEquals(0, SegmentClientTest.run(root, Map.of(), log, "bash", "scripts/node-deps"), "scripts/node-deps failed: " + Files.readString(log));
    Path script = dir.resolve("client.js");
    try (InputStream in = RudderStackClientTest.class.getResourceAsStream("/rudder-client.js")) {
      Files.write(script, in.readAllBytes());
    }
    Duration skew = Duration.ofHours(1);
    Clock serverClock = Clock.offset(Clock.systemUTC(), skew);
    try (Store store = DuckDb.open(StoreConfig.resolve(dir.resolve("db"), "1GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_rudder"), "admin-key-rudder", serverClock, dir.resolve("db")))) {
      Path out = dir.resolve("client.log");
      Instant before = Instant.now();
      int code = SegmentClientTest.run(root, Map.of("WRITE_KEY", "wk_rudder", "HOST", "http://127.0.0.1:" + server.port(),
          "NODE_PATH", root.resolve(".cache/node/node_modules").toString()), out, "node", script.toString());
      Instant after = Instant.now();
      String printed = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, code, printed);
      assertTrue(printed.contains("flushed"), printed);

      server.flush();
      ProfileHistory h = store.profiles().history("rs-1").orElseThrow(() -> new AssertionError("no profile rs-1: " + printed));
      Map<String, Integer> counts = new TreeMap<>();
      h.events().forEach(e -> counts.merge(e.type(), 1, Integer::sum));
      assertEquals(Map.of("add_to_cart", 1, "bulk_ping", 500, "late_event", 1, "order", 1, "page_view", 1, "product_view", 1), counts,
          "every event once, the anonymous ones stitched to the customer");
      assertEquals(new Value.Str("Rune"), h.profile().trait("first_name"));
      assertTrue(h.profile().identifiers().stream().anyMatch(i -> i.kind().equals("email") && i.value().equals("rudder.user@example.com")));
      assertTrue(h.profile().identifiers().stream().anyMatch(i -> i.value().equals("old-rs-device")), "alias links the previous id");
      Event page = h.events().stream().filter(e -> e.type().equals("page_view")).findFirst().orElseThrow();
      assertEquals(new Value.Str("autumn"), page.property("utm_campaign"));
      assertEquals(new Value.Str("email"), page.property("traffic_source"));
      assertEquals(new Value.Str("mobile"), page.property("device"));
      Event order = h.events().stream().filter(e -> e.type().equals("order")).findFirst().orElseThrow();
      assertEquals(1, order.lines().size());
      assertEquals(2.0, order.lines().get(0).quantity());
      // In the server's time (an hour ahead): sent while the client ran, and the late event two days before that.
      Instant sentFrom = before.plus(skew).minusSeconds(2);
      Instant sentTo = after.plus(skew).plusSeconds(2);
      assertTrue(!order.timestamp().isBefore(sentFrom) && !order.timestamp().isAfter(sentTo),
          "order at " + order.timestamp() + ", expected between " + sentFrom + " and " + sentTo + " (the server's clock)");
      Event late = h.events().stream().filter(e -> e.type().equals("late_event")).findFirst().orElseThrow();
      Duration twoDays = Duration.ofDays(2);
      assertTrue(!late.timestamp().isBefore(sentFrom.minus(twoDays)) && !late.timestamp().isAfter(sentTo.minus(twoDays)),
          "the late event at " + late.timestamp() + ", expected two days before " + sentFrom + ".." + sentTo);
    }
  }
}
