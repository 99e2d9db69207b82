package io.segmenta.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.UserException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** JSON in and out, and the errors every route answers with: a status and one message, or a list of problems. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  private Http() {}

  /** A client error with an HTTP status; its message is shown to the caller as is. */
  static final class Failure extends UserException {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient List<String> problems;

    Failure(int status, String message) {
      this(status, message, List.of());
    }

    Failure(int status, String message, List<String> problems) {
      super(message);
      this.status = status;
      this.problems = List.copyOf(problems);
    }
  }

  static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  static void error(Context ctx, int status, String message, List<String> problems) {
    ObjectNode o = JSON.createObjectNode().put("error", message);
    if (!problems.isEmpty()) {
      problems.forEach(o.putArray("problems")::add);
    }
    json(ctx, status, o);
  }

  /** The body as a JSON object, checking its content type and size first. */
  static JsonNode body(Context ctx, int maxBytes) {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new Failure(415, "expected Content-Type: application/json, got " + (type == null ? "none" : "'" + type + "'"));
    }
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > maxBytes) {
      throw new Failure(413, "the body has " + bytes.length + " bytes; at most " + maxBytes + " are accepted here");
    }
    if (bytes.length == 0) {
      throw new Failure(400, "the body is empty; expected a JSON object");
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new Failure(400, "expected a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new Failure(400, "the body is not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr());
    } catch (java.io.IOException e) {
      throw new Failure(400, "the body could not be read: " + e.getMessage());
    }
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank()) {
      throw new Failure(400, "field '" + field + "' is required (text)");
    }
    return v.asText();
  }

  static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return dflt;
    }
    try {
      int x = Integer.parseInt(v);
      if (x < min || x > max) {
        throw new Failure(400, "query parameter '" + name + "' must be between " + min + " and " + max + ", got " + x);
      }
      return x;
    } catch (NumberFormatException e) {
      throw new Failure(400, "query parameter '" + name + "' must be a whole number, got '" + v + "'");
    }
  }
}
