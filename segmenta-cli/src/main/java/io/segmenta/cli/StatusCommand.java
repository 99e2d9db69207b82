package io.segmenta.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.UserException;
import io.segmenta.server.Server;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The state of a server's background work for an operator: from a running server ({@code GET /admin/status}), or
 * from a data directory with none running (the journal's unapplied records and the parked files, read without
 * opening the database, so it works beside a server too).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Background work of the live server: per job (journal, realtime, membership-history, exposures, webhooks,",
        "decisions, lifecycle) what it processed, failed, retried, parked and has waiting, with its last error and cause chain;",
        "and the parked files of the data directory (items given up on after their retries, kept to read and replay).",
        "With --url it asks a running server (admin key from --admin-key or SEGMENTA_ADMIN_KEY); without, it reads --data-dir.",
        "Exit code 0 when nothing failed and nothing is parked, 1 when something needs a look.",
        "--requeue-journal moves journal.parked back into the journal (no server running) for the next serve to apply."})
final class StatusCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  StoreOptions store;

  @Option(names = "--url", paramLabel = "URL", description = "A running server, e.g. http://127.0.0.1:8088.")
  String url;

  @Option(names = "--admin-key", description = "The server's admin key (default: $SEGMENTA_ADMIN_KEY).")
  String adminKey;

  @Option(names = "--json", description = "Print the status as JSON (the shape of GET /admin/status).")
  boolean json;

  @Option(names = "--requeue-journal",
      description = "Once the cause is fixed: move the journal's parked records back into the journal of --data-dir, for the next serve to apply.")
  boolean requeue;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (requeue) {
      if (url != null) {
        throw new UserException("--requeue-journal works on a data directory no server runs on; stop the server and leave out --url");
      }
      Path dir = store.config().dataDir();
      if (!Files.isDirectory(dir)) {
        throw new UserException("--data-dir: no such directory " + dir);
      }
      // Opening the database fails while a server holds it: the journal must not change under a running server.
      store.open().close();
      int n = Server.requeueParkedJournal(dir);
      out.printf("moved %,d parked record(s) back into the journal of %s; the next segmenta serve applies them%n", n, dir);
    }
    JsonNode s = url != null ? fetch() : offline();
    if (json) {
      out.println(s.toPrettyString());
    } else {
      print(out, s);
    }
    return attention(s) ? 1 : 0;
  }

  private JsonNode offline() throws IOException {
    Path dir = store.config().dataDir();
    if (!Files.isDirectory(dir)) {
      throw new UserException("--data-dir: no such directory " + dir);
    }
    return JSON.readTree(Server.offlineStatus(dir));
  }

  private JsonNode fetch() throws IOException {
    String key = adminKey != null ? adminKey : System.getenv("SEGMENTA_ADMIN_KEY");
    if (key == null || key.isBlank()) {
      throw new UserException("--admin-key (or SEGMENTA_ADMIN_KEY) is needed to ask a server for its status");
    }
    URI u;
    try {
      u = URI.create(url.replaceAll("/+$", "") + "/admin/status");
      if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null) {
        throw new IllegalArgumentException("not an http URL");
      }
    } catch (IllegalArgumentException e) {
      throw new UserException("--url must be the server's address such as http://127.0.0.1:8088, got '" + url + "'");
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r;
    try {
      r = http.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new UserException("--url: no server answers at " + url + "; without --url, status reads the data directory");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while asking " + url);
    }
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      throw new UserException("--admin-key: the server refused it (HTTP " + r.statusCode() + ")");
    }
    if (r.statusCode() != 200) {
      throw new UserException("--url: the server answered HTTP " + r.statusCode() + " to GET /admin/status");
    }
    return JSON.readTree(r.body());
  }

  /** Whether anything failed or is parked: what an operator (or a cron job) must look at. */
  static boolean attention(JsonNode s) {
    for (JsonNode w : s.path("background")) {
      if (w.path("parked").asLong() > 0 || w.hasNonNull("lastError")) {
        return true;
      }
    }
    for (JsonNode n : s.path("parkedFiles")) {
      if (n.asLong() != 0) {
        return true;
      }
    }
    return s.path("journal").path("parked").asLong() > 0;
  }

  static void print(PrintWriter out, JsonNode s) {
    if (s.has("running")) {
      out.printf("no server asked: the data directory %s%n", s.path("dataDir").asText());
      out.printf("journal: %,d request(s) not yet in the database (the next start applies them)%n", s.path("journal").path("pending").asLong());
    } else {
      JsonNode j = s.path("journal");
      out.printf("journal: %,d requests and %,d events applied, %,d pending%n", j.path("appliedRequests").asLong(), j.path("appliedEvents").asLong(),
          j.path("pending").asLong());
      out.printf("%-20s %12s %8s %8s %8s %8s%n", "job", "processed", "failed", "retried", "parked", "backlog");
      for (JsonNode w : s.path("background")) {
        out.printf("%-20s %,12d %,8d %,8d %,8d %,8d%n", w.path("name").asText(), w.path("processed").asLong(), w.path("failed").asLong(),
            w.path("retried").asLong(), w.path("parked").asLong(), w.path("backlog").asLong());
      }
      for (JsonNode w : s.path("background")) {
        JsonNode e = w.path("lastError");
        if (!e.isMissingNode() && !e.isNull()) {
          StringBuilder chain = new StringBuilder();
          e.path("causes").forEach(c -> chain.append(chain.length() == 0 ? "" : " <- ").append(c.asText()));
          out.printf("last error of %s at %s (%s): %s%n", w.path("name").asText(), e.path("at").asText(), chain, e.path("message").asText());
        }
      }
    }
    JsonNode files = s.path("parkedFiles");
    if (files.isEmpty()) {
      out.println("parked: nothing");
    } else {
      out.println("parked (items given up on after their retries, with their causes; see docs/api.md, \"Background work\", to replay them):");
      files.fields().forEachRemaining(f -> out.printf("  %-20s %,d%n", f.getKey(), f.getValue().asLong()));
    }
  }
}
