package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.store.Store;
import io.segmenta.duckdb.DuckDb;
import io.segmenta.duckdb.StoreConfig;
import io.segmenta.server.Server;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segmenta status} as an operator runs it: against a running server over HTTP (every background job, exit 0
 * while all is well), against a data directory with parked items and no server (exit 1, the files named), and with
 * a wrong admin key (one clear line, exit 2).
 */
class StatusCliTest {
  @TempDir
  Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void status_runningServer_printsEveryJob() throws Exception {
    try (Store store = DuckDb.open(StoreConfig.resolve(dir, "512MB", 1, Map.of()));
        Server server = Server.start(store, new Server.Options("127.0.0.1", 0, Set.of("wk_status"), "admin-status-key", Clock.systemUTC(), dir))) {
      String url = "http://127.0.0.1:" + server.port();
      Result r = run("status", "--url", url, "--admin-key", "admin-status-key");
      assertEquals(0, r.code(), r.out() + r.err());
      for (String job : List.of("journal", "realtime", "membership-history", "exposures", "webhooks", "decisions", "lifecycle", "journeys",
          "history-review", "destinations")) {
        assertTrue(r.out().contains(job), job + " is listed:\n" + r.out());
      }
      assertTrue(r.out().contains("parked: nothing"), r.out());
      Result json = run("status", "--url", url, "--admin-key", "admin-status-key", "--json");
      JsonNode s = new ObjectMapper().readTree(json.out());
      assertEquals(10, s.get("background").size(), json.out());

      Result wrong = run("status", "--url", url, "--admin-key", "not-the-key");
      assertEquals(2, wrong.code(), wrong.out() + wrong.err());
      assertTrue(wrong.err().contains("--admin-key: the server refused it (HTTP 401)"), wrong.err());
    }
  }

  @Test
  void status_dataDirWithParkedItems_exitsOneAndNamesTheFiles() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("membership.parked"),
        "{\"at\":\"2025-06-01T12:00:00Z\",\"error\":\"StoreException: closed\",\"causes\":[\"StoreException\",\"SQLException\"],"
            + "\"item\":{\"changes\":[]}}\n", StandardCharsets.UTF_8);
    Result r = run("status", "--data-dir", data.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("no server asked"), r.out());
    assertTrue(r.out().matches("(?s).*membership\\.parked\\s+1\\b.*"), r.out());
    assertTrue(r.out().contains("0 request(s) not yet in the database"), r.out());

    Path clean = Files.createDirectories(dir.resolve("clean"));
    Result ok = run("status", "--data-dir", clean.toString());
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().contains("parked: nothing"), ok.out());

    Result requeued = run("status", "--data-dir", clean.toString(), "--requeue-journal");
    assertEquals(0, requeued.code(), requeued.out() + requeued.err());
    assertTrue(requeued.out().contains("moved 0 parked record(s) back into the journal"), requeued.out());
    Result both = run("status", "--url", "http://127.0.0.1:1", "--admin-key", "x", "--requeue-journal");
    assertEquals(2, both.code(), both.out() + both.err());
    assertTrue(both.err().contains("--requeue-journal works on a data directory no server runs on"), both.err());

    Result missing = run("status", "--data-dir", dir.resolve("nowhere").toString());
    assertEquals(2, missing.code(), missing.out() + missing.err());
    assertTrue(missing.err().contains("--data-dir: no such directory"), missing.err());
  }
}
