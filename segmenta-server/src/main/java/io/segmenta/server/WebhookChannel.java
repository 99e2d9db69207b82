package io.segmenta.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segmenta.core.destination.Destination;
import io.segmenta.core.destination.Entry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * A destination's runs posted to a webhook as signed JSON: {@code {"destination", "segment", "exclusion", "at",
 * "adds": [profile ids], "removes": [profile ids]}}, signed as the real-time feed's webhooks are
 * ({@code X-Segmenta-Signature: sha256=<HMAC-SHA256 of the body under the secret>}, {@link Webhooks#sign}).
 */
final class WebhookChannel extends HttpChannel {
  private final String secret;
  private final Instant at;

  WebhookChannel(String secret, Instant at) {
    super("the webhook");
    this.secret = secret;
    this.at = at;
  }

  @Override
  public Delivery deliver(Changes c) {
    Destination d = c.destination();
    byte[] body = body(c, at).toString().getBytes(StandardCharsets.UTF_8);
    send("POST", d.settings().get("url"), Map.of("X-Segmenta-Signature", "sha256=" + Webhooks.sign(secret, body)), "application/json",
        new String(body, StandardCharsets.UTF_8));
    return Delivery.ALL;
  }

  static ObjectNode body(Changes c, Instant at) {
    Destination d = c.destination();
    ObjectNode o = JSON.createObjectNode().put("destination", d.key()).put("segment", d.segment()).put("exclusion", d.exclusion())
        .put("at", at.toString());
    c.adds().stream().map(Entry::add).forEach(o.putArray("adds")::add);
    c.removes().forEach(o.putArray("removes")::add);
    return o;
  }
}
