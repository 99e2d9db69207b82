package io.segmenta.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The state of the server's background work under the admin key ({@code GET /admin/status}): the journal's counters
 * as before, every {@link Worker} (processed, failed, retried, parked, backlog, last error with its cause chain),
 * and the parked files of the data directory with how many items each holds, since they outlive restarts.
 * {@link #offline} reads the same files from a data directory with no server running ({@code segmenta status}).
 */
final class StatusRoutes {
  /** The files background work parks items in, in the data directory. */
  static final List<String> PARKED_FILES = List.of("journal.parked", "realtime.parked", "membership.parked", "exposures.parked",
      "webhooks.parked", "alerts.parked");

  private final Journal writer;
  private final List<Worker> workers;
  private final Path dataDir;

  StatusRoutes(Journal writer, List<Worker> workers, Path dataDir) {
    this.writer = writer;
    this.workers = List.copyOf(workers);
    this.dataDir = dataDir;
  }

  List<Route> routes() {
    return List.of(new Route("GET", "/admin/status", Route.Access.ADMIN,
        "Background work: the journal's applied requests and events, failures, parked records, pending records and its last error; "
            + "every background job (journal, real-time feed, membership history, exposures, webhooks, decision reloads, profile lifecycle) "
            + "with processed, failed, retried, parked, backlog and last error (message, cause chain, time); the parked files and their items",
        null, ctx -> Http.json(ctx, 200, status())));
  }

  ObjectNode status() {
    ObjectNode o = status(writer.status());
    ArrayNode a = o.putArray("background");
    workers.forEach(w -> a.add(json(w.status())));
    o.set("parkedFiles", parkedFiles(dataDir));
    return o;
  }

  /** What {@code GET /admin/status} answers about the journal: counters and the last error of its applier. */
  static ObjectNode status(Journal.Status j) {
    ObjectNode o = Http.JSON.createObjectNode();
    ObjectNode n = o.putObject("journal").put("appliedRequests", j.appliedRequests()).put("appliedEvents", j.appliedEvents())
        .put("failures", j.failures()).put("parked", j.parked()).put("pending", j.pending());
    if (j.lastError() != null) {
      n.put("lastError", j.lastError()).put("lastErrorAt", String.valueOf(j.lastErrorAt()));
    }
    return o;
  }

  static ObjectNode json(BackgroundStatus s) {
    ObjectNode o = Http.JSON.createObjectNode().put("name", s.name()).put("processed", s.processed()).put("failed", s.failed())
        .put("retried", s.retried()).put("parked", s.parked()).put("backlog", s.backlog());
    if (s.parkedIn() != null) {
      o.put("parkedIn", s.parkedIn());
    }
    if (s.lastError() != null) {
      ObjectNode e = o.putObject("lastError").put("message", s.lastError().message()).put("at", s.lastError().at().toString());
      s.lastError().causes().forEach(e.putArray("causes")::add);
    }
    return o;
  }

  /** Each parked file of a data directory that exists, with the number of items it holds. */
  static ObjectNode parkedFiles(Path dataDir) {
    ObjectNode o = Http.JSON.createObjectNode();
    for (String name : PARKED_FILES) {
      Path f = dataDir.resolve(name);
      if (!Files.exists(f)) {
        continue;
      }
      try {
        o.put(name, name.equals("journal.parked") ? JournalFile.parked(dataDir).size() : ParkedFile.count(f));
      } catch (IOException | RuntimeException e) {
        o.put(name, -1);
      }
    }
    return o;
  }

  /**
   * A data directory's state with no server running: the journal's records not yet in the database (a restart
   * applies them) and the parked files.
   */
  static ObjectNode offline(Path dataDir) throws IOException {
    ObjectNode o = Http.JSON.createObjectNode().put("running", false).put("dataDir", dataDir.toString());
    Path log = dataDir.resolve("journal.log");
    int pending = Files.exists(log) ? JournalFile.frames(Files.readAllBytes(log)).size() : 0;
    o.putObject("journal").put("pending", pending);
    o.set("parkedFiles", parkedFiles(dataDir));
    return o;
  }
}
