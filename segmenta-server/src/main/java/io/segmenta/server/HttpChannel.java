package io.segmenta.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segmenta.core.destination.Channel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * What the API channels share: one HTTP client, a request with headers, and the rule for failures: a network error,
 * 429 and 5xx are retryable; another 4xx is not (a bad token or audience id will not heal). The failure's message
 * names the platform, the status and the platform's own error message (never a request body).
 */
abstract class HttpChannel implements Channel {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final String platform;

  HttpChannel(String platform) {
    this.platform = platform;
  }

  /** Sends a request and answers the response's JSON (an empty object for an empty body); throws on failure. */
  JsonNode send(String method, String url, Map<String, String> headers, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
    headers.forEach(b::header);
    if (body != null) {
      b.header("Content-Type", contentType);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    HttpResponse<String> r;
    try {
      r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ChannelException(platform + " could not be reached: " + e.getClass().getSimpleName(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChannelException(platform + " request interrupted", true, e);
    }
    int code = r.statusCode();
    JsonNode answer = parse(r.body());
    if (code >= 200 && code < 300) {
      return answer;
    }
    if (ignorable(code)) {
      return answer;
    }
    String message = errorMessage(answer);
    throw new ChannelException(platform + " answered HTTP " + code + (message.isEmpty() ? "" : ": " + message),
        code == 429 || code >= 500 || code == 408);
  }

  /** A status this platform's caller treats as done (Mailchimp's 404 for a member already gone). */
  boolean ignorable(int code) {
    return false;
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  /** The platform's error message (Graph API's error.message, Google's error.message, Mailchimp's detail), at most 200 characters. */
  static String errorMessage(JsonNode answer) {
    String m = answer.path("error").path("message").asText(answer.path("detail").asText(""));
    return m.length() > 200 ? m.substring(0, 200) : m;
  }
}
