package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.ingest.segment.SegmentSpec;
import io.segmenta.core.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Segment's HTTP Tracking API: {@code /v1/identify}, {@code /track}, {@code /page}, {@code /screen}, {@code /group},
 * {@code /alias} and {@code /batch}, with its limits (32 KB a call, 500 KB a batch); the same under the short paths
 * analytics.js posts to ({@code /v1/i}, {@code /v1/t}, {@code /v1/p}, {@code /v1/s}, {@code /v1/g}, {@code /v1/a},
 * {@code /v1/b}) and the batch path of Segment's server libraries ({@code /v1/import}). The write key comes as HTTP
 * Basic's user name or as the body's {@code writeKey} field (see {@link Server}); the body may be gzip and any
 * content type claimed, as long as it is JSON (see {@link BufferedBodies}). A 200 means the data is
 * committed to the database; a retried message (same messageId) stores nothing twice. A batch is all or nothing:
 * if any message is invalid the answer is 400 listing every problem by index and field, and nothing is stored, so
 * the client can fix and resend the whole batch without creating duplicates or gaps.
 */
final class TrackingRoutes {
  static final int CALL_LIMIT = 32 * 1024;
  static final int BATCH_LIMIT = 500 * 1024;
  static final int BATCH_MESSAGES = 2500;

  private final Store store;
  private final Clock clock;
  private final Journal writer;
  private final SegmentSpec.Policy limits;

  TrackingRoutes(Store store, Clock clock, Journal writer, SegmentSpec.Policy limits) {
    this.limits = limits;
    this.store = store;
    this.clock = clock;
    this.writer = writer;
  }

  List<Route> routes() {
    List<Route> out = new ArrayList<>();
    for (String type : List.of("identify", "track", "page", "screen", "group", "alias")) {
      out.add(new Route("POST", "/v1/" + type, Route.Access.WRITE, "Segment tracking spec: " + type + " call (at most 32 KB)",
          "a Segment " + type + " message", ctx -> single(ctx, type)));
    }
    out.add(new Route("POST", "/v1/batch", Route.Access.WRITE, "Segment tracking spec: several calls at once (at most 500 KB, all or nothing)",
        "{\"batch\": [messages], \"context\": {...}}", this::batch));
    // analytics.js posts each call to /v1/ + the first letter of its type, and batches to /v1/b; Segment's server
    // libraries (analytics-java, analytics-python, ...) post batches to /v1/import.
    for (String type : List.of("identify", "track", "page", "screen", "group", "alias")) {
      out.add(new Route("POST", "/v1/" + type.charAt(0), Route.Access.WRITE, "analytics.js' short path for /v1/" + type,
          "a Segment " + type + " message", ctx -> single(ctx, type)));
    }
    out.add(new Route("POST", "/v1/b", Route.Access.WRITE, "analytics.js' short path for /v1/batch",
        "{\"batch\": [messages], \"writeKey\": \"...\"}", this::batch));
    out.add(new Route("POST", "/v1/import", Route.Access.WRITE, "Segment's server libraries' path for /v1/batch",
        "{\"batch\": [messages], \"context\": {...}, \"writeKey\": \"...\"}", this::batch));
    return out;
  }

  private void single(Context ctx, String type) {
    JsonNode body = Http.body(ctx, CALL_LIMIT);
    accept(ctx, body, type, false);
  }

  private void batch(Context ctx) {
    JsonNode body = Http.body(ctx, BATCH_LIMIT);
    accept(ctx, body, null, true);
  }

  /** The messages of a request body: the body itself, or a batch's messages with the batch's context merged in. */
  static List<JsonNode> messages(JsonNode body, boolean isBatch) {
    if (!isBatch) {
      return List.of(body);
    }
    JsonNode batch = body.get("batch");
    if (batch == null || !batch.isArray()) {
      throw new Http.Failure(400, "field 'batch' is required: a list of messages");
    }
    if (batch.size() > BATCH_MESSAGES) {
      throw new Http.Failure(400, "a batch holds at most " + BATCH_MESSAGES + " messages, got " + batch.size());
    }
    List<JsonNode> messages = new ArrayList<>();
    JsonNode shared = body.get("context");
    for (JsonNode m : batch) {
      if (m.isObject() && shared != null && shared.isObject()) {
        // The batch's context applies to every message; a message's own context fields win.
        ObjectNode merged = ((ObjectNode) m).deepCopy();
        ObjectNode ctxNode = shared.deepCopy();
        if (m.path("context").isObject()) {
          for (Iterator<Map.Entry<String, JsonNode>> it = m.get("context").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ctxNode.set(e.getKey(), e.getValue());
          }
        }
        merged.set("context", ctxNode);
        messages.add(merged);
      } else {
        messages.add(m);
      }
    }
    return messages;
  }

  private void accept(Context ctx, JsonNode body, String type, boolean batch) {
    Instant now = clock.instant();
    // A strict source refuses values that clash with their declared types; a lenient one (the default) keeps them.
    Source source = Server.source(ctx);
    SegmentSpec.Policy policy = limits.withStrict(source != null && source.strict());
    SegmentSpec.Translation t = SegmentSpec.translate(messages(body, batch), type, batch, store.catalog().schema(), now, policy);
    if (!t.ok()) {
      List<String> problems = t.problems().stream().map(Object::toString).toList();
      throw new Http.Failure(400, problems.size() == 1 ? problems.get(0) : problems.size() + " problems; nothing was stored", problems);
    }
    store.catalog().declare(t.newTraits(), t.newProperties().values(), t.newPropertyTypes());
    // The journal keeps the translation, checked to read back equal, not the body: a replay translates nothing.
    Journal.Encoded record = Journal.encode(t, source == null ? JournalRecord.DEFAULT_SOURCE : source.name(), now);
    // The server thread is free while the request waits for its group's fsync; the answer goes out after it.
    ctx.future(() -> writer.writeAsync(record).handle((ok, failure) -> {
      if (failure == null) {
        Http.json(ctx, 200, Map.of("success", true));
      } else if (failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException) {
        Http.error(ctx, 503, "the write did not reach the disk within 60 s; send again (a retry stores nothing twice)", List.of());
      } else {
        Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (f instanceof Http.Failure h) {
          Http.error(ctx, h.status, h.getMessage(), h.problems);
        } else {
          Http.error(ctx, 503, "the journal could not be written; send again", List.of());
        }
      }
      return null;
    }));
  }
}
