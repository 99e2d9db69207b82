package io.segmenta.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.segmenta.core.UserException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

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

  /**
   * What a JSON body may hold. Jackson's defaults let a hostile body cost deep recursion or huge numbers later on;
   * these are far above what any tracking client sends (Segment's own limits are 32 KB a call) and each is refused
   * with a 400 that says which limit was passed and where.
   */
  static final int MAX_DEPTH = 64;
  static final int MAX_NUMBER_DIGITS = 100;
  static final int MAX_NAME_CHARS = 1000;
  /** Its own factory: {@link #JSON} also reads the journal, whose records wrap bodies one level deeper. */
  private static final ObjectReader TREE = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH).maxNumberLength(MAX_NUMBER_DIGITS).maxNameLength(MAX_NAME_CHARS).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build())
      .reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .forType(JsonNode.class);

  private static final String PARSED = "segmenta.body.json";

  /**
   * The body as one JSON object. Whatever content type is claimed (analytics.js sends {@code text/plain}, beacons
   * and some libraries other types): the body must be JSON. {@link BufferedBodies} has already inflated it and made
   * it UTF-8; here it must be exactly one object, with nothing after it. Parsed once per request.
   */
  static JsonNode body(Context ctx, int maxBytes) {
    byte[] bytes = ctx.attribute(BufferedBodies.BODY) instanceof byte[] b ? b : ctx.bodyAsBytes();
    if (bytes.length > maxBytes) {
      throw new Failure(413, "the body has " + bytes.length + " bytes; at most " + maxBytes + " are accepted here");
    }
    JsonNode cached = ctx.attribute(PARSED);
    if (cached != null) {
      return cached;
    }
    JsonNode n = parse(bytes);
    ctx.attribute(PARSED, n);
    return n;
  }

  /** One JSON object from UTF-8 bytes, or a 400 that says what is wrong and where. */
  static JsonNode parse(byte[] bytes) {
    if (bytes.length == 0) {
      throw new Failure(400, "the body is empty; expected a JSON object");
    }
    try {
      JsonNode n = TREE.readValue(bytes);
      if (n == null || !n.isObject()) {
        throw new Failure(400, "expected a JSON object, got " + (n == null ? "nothing" : n.getNodeType().toString().toLowerCase(Locale.ROOT)));
      }
      return n;
    } catch (StreamConstraintsException e) {
      throw new Failure(400, "the body is refused: " + constraint(e.getOriginalMessage()) + where(e));
    } catch (JsonProcessingException e) {
      String m = e.getOriginalMessage();
      if (m != null && m.startsWith("Trailing token")) {
        m = "there is more after the JSON object (one object per request)";
      }
      throw new Failure(400, "the body is not valid JSON: " + m + where(e));
    } catch (IOException e) {
      throw new Failure(400, "the body could not be read: " + e.getClass().getSimpleName());
    }
  }

  private static String where(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  /** Jackson's wording, without its class names: which limit, how far it was passed. */
  private static String constraint(String m) {
    if (m == null) {
      return "a limit was passed";
    }
    String s = m.replaceAll(",? ?\\(?from `?StreamReadConstraints[^)]*\\)?`?", "").replaceAll("\\s+\\)", ")");
    if (s.startsWith("Document nesting depth")) {
      return "it nests deeper than " + MAX_DEPTH + " levels";
    }
    if (s.startsWith("Number value length") || s.startsWith("Number length")) {
      return "a number has more than " + MAX_NUMBER_DIGITS + " digits";
    }
    if (s.startsWith("Name length")) {
      return "a field name has more than " + MAX_NAME_CHARS + " characters";
    }
    return s;
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
