package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The curl commands of docs/tracking.md, run as written (address and key swapped for the test server's). */
class CurlDocsTest {
  @TempDir
  Path dir;

  @Test
  void curlCommandsOfTheDocs_storeWhatTheySay() throws Exception {
    Path root = SegmentClientTest.checkout();
    boolean curl = root != null && new ProcessBuilder("curl", "--version").start().waitFor(30, TimeUnit.SECONDS);
    assumeTrue(curl, "curl is not installed");
    String doc = Files.readString(root.resolve("docs/tracking.md"), StandardCharsets.UTF_8);
    List<String> commands = new ArrayList<>();
    Matcher m = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    while (m.find()) {
      if (m.group(1).contains("curl ")) {
        commands.add(m.group(1));
      }
    }
    assertEquals(2, commands.size(), "the docs show a call and a gzip batch");
    try (Store store = DuckDb.open(StoreConfig.resolve(dir.resolve("db"), "1GB", 2, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_curl_9"), "admin-key-curl", Clock.systemUTC(), dir.resolve("db")))) {
      for (String c : commands) {
        String run = c.replace("http://localhost:8088", "http://127.0.0.1:" + server.port()).replace("wk_live_1", "wk_curl_9");
        Path out = dir.resolve("curl.log");
        int code = SegmentClientTest.run(dir, Map.of(), out, "bash", "-c", "set -o pipefail; " + run);
        String printed = Files.readString(out);
        assertEquals(0, code, run + "\n" + printed);
        assertTrue(printed.contains("{\"success\":true}"), run + "\n" + printed);
      }
      server.flush();
      ProfileHistory h = store.profiles().history("curl-1").orElseThrow();
      assertEquals(List.of("order", "product_view"), h.events().stream().map(Event::type).sorted().toList());
      assertEquals(2.0, h.events().stream().filter(e -> e.type().equals("order")).findFirst().orElseThrow().lines().get(0).quantity());
      assertTrue(h.profile().identifiers().stream().anyMatch(i -> i.value().equals("curl.user@example.com")));
    }
  }
}
