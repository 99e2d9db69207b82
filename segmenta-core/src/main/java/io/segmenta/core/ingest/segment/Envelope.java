package io.segmenta.core.ingest.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.segmenta.core.schema.Names;
import io.segmenta.core.value.Instants;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The envelope every call of the spec shares: when it happened (with the device's clock corrected by
 * {@code sentAt}, as Segment does) and its ids. A field that does not fit is reported to {@code problems} (field,
 * message) and read as null; nothing here throws on what a client sent.
 */
final class Envelope {
  /** Longest id (userId, anonymousId, messageId, previousId, groupId, product_id) accepted. */
  static final int ID_LIMIT = 200;

  private final Instant receivedAt;
  private final BiConsumer<String, String> problems;

  Envelope(Instant receivedAt, BiConsumer<String, String> problems) {
    this.receivedAt = receivedAt;
    this.problems = problems;
  }

  /**
   * When it happened: {@code timestamp}, else {@code originalTimestamp}, else when received; a device's clock may
   * be off, so as Segment does, either is shifted by the difference between when the server received the message
   * and when the device says it sent it ({@code sentAt}). Null after a problem.
   */
  Instant timestamp(JsonNode m) {
    Instant sent = null;
    if (m.hasNonNull("sentAt")) {
      sent = time(m, "sentAt");
      if (sent == null) {
        return null;
      }
    }
    String field = m.hasNonNull("timestamp") ? "timestamp" : m.hasNonNull("originalTimestamp") ? "originalTimestamp" : null;
    if (field == null) {
      return receivedAt;
    }
    Instant ts = time(m, field);
    if (ts == null) {
      return null;
    }
    if (sent != null) {
      ts = ts.plus(Duration.between(sent, receivedAt));
      if (!Instants.accepts(ts)) {
        problems.accept(field, "corrected by sentAt for the device's clock, it is " + ts + ", not " + Instants.RANGE);
        return null;
      }
    }
    return ts;
  }

  Instant time(JsonNode m, String field) {
    JsonNode v = m.get(field);
    if (!v.isTextual()) {
      problems.accept(field, "expected an ISO-8601 date-time such as 2025-06-01T12:00:00.000Z, got " + Fields.shown(v));
      return null;
    }
    try {
      return Instants.parse(v.textValue());
    } catch (IllegalArgumentException e) {
      problems.accept(field, e.getMessage());
      return null;
    }
  }

  /** An id field: a string or an integer-like number, at most {@link #ID_LIMIT} characters, no control characters. */
  String id(JsonNode m, String field) {
    JsonNode v = m.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    return id(field, v);
  }

  String id(String field, JsonNode v) {
    if (!(v.isTextual() || v.isNumber())) {
      problems.accept(field, "expected a string or a number, got " + v.getNodeType().toString().toLowerCase(Locale.ROOT));
      return null;
    }
    String s = v.asText();
    String bad = Names.badCharacter(s);
    if (bad != null) {
      problems.accept(field, "must not contain " + bad);
      return null;
    }
    if (s.isBlank()) {
      return null;
    }
    if (s.length() > ID_LIMIT) {
      problems.accept(field, "must be at most " + ID_LIMIT + " characters, got " + s.length());
      return null;
    }
    return s;
  }
}
