package io.segmenta.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OpenAPI 3 document of the server, written from the route table the server registers. */
final class OpenApi {
  private static final Pattern PARAM = Pattern.compile("\\{([a-z]+)}");

  private OpenApi() {}

  static ObjectNode document(List<Route> routes, String version) {
    ObjectNode doc = Http.JSON.createObjectNode().put("openapi", "3.0.3");
    doc.putObject("info").put("title", "Segmenta").put("version", version)
        .put("description", "Tracking (Segment's HTTP Tracking API, write key as the Basic user), decisions, and the admin API (admin key as Bearer token).");
    ObjectNode schemes = doc.putObject("components").putObject("securitySchemes");
    schemes.putObject("writeKey").put("type", "http").put("scheme", "basic").put("description", "the write key as the user name, no password (or, instead, the body's writeKey field)");
    schemes.putObject("adminKey").put("type", "http").put("scheme", "bearer").put("description", "the admin key");
    ObjectNode paths = doc.putObject("paths");
    for (Route r : routes) {
      ObjectNode path = paths.has(r.path()) ? (ObjectNode) paths.get(r.path()) : paths.putObject(r.path());
      ObjectNode op = path.putObject(r.method().toLowerCase(Locale.ROOT)).put("summary", r.summary());
      op.put("operationId", r.method().toLowerCase(Locale.ROOT) + r.path().replaceAll("[^A-Za-z0-9]+", "_"));
      if (r.access() != Route.Access.PUBLIC) {
        op.putArray("security").addObject().putArray(r.access() == Route.Access.WRITE ? "writeKey" : "adminKey");
      }
      Matcher m = PARAM.matcher(r.path());
      ArrayNode params = null;
      while (m.find()) {
        if (params == null) {
          params = op.putArray("parameters");
        }
        params.addObject().put("name", m.group(1)).put("in", "path").put("required", true).putObject("schema").put("type", "string");
      }
      if (r.body() != null) {
        ObjectNode body = op.putObject("requestBody").put("required", true).put("description", r.body());
        body.putObject("content").putObject("application/json").putObject("schema").put("type", "object");
      }
      ObjectNode responses = op.putObject("responses");
      responses.putObject("200").put("description", "done");
      responses.putObject("400").put("description", "the request is invalid; the message names each bad field");
      if (r.access() != Route.Access.PUBLIC) {
        responses.putObject("401").put("description", "no key, or an unknown key");
        responses.putObject("403").put("description", "the key may not call this route");
      }
    }
    return doc;
  }
}
