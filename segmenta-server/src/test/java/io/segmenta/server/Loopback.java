package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One HTTP call to a server on loopback, for the server's tests: they all need the status, the raw body (for
 * failure messages) and the body as JSON when the server said it is JSON, and each had written its own copy.
 */
final class Loopback {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Loopback() {}

  /** An answer: {@code body} is the parsed JSON when the response was JSON and not empty, else {@code null}. */
  record Answer(int status, JsonNode body, String raw) {}

  /** A call with a JSON body (or none when {@code body} is null); {@code auth} may be null. */
  static Answer call(HttpClient http, int port, String method, String path, String auth, String body) throws Exception {
    return call(http, port, method, path, auth, body == null ? null : "application/json", body);
  }

  static Answer call(HttpClient http, int port, String method, String path, String auth, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (r.body() != null && !r.body().isBlank() && r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      json = JSON.readTree(r.body());
    }
    return new Answer(r.statusCode(), json, r.body());
  }

  /** The Basic authorization of a write key (the key as user name, no password), as Segment's libraries send it. */
  static String basic(String writeKey) {
    return "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
  }
}
