package io.segmenta.server;

import io.segmenta.core.journey.WebhookPoster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The webhook steps of journeys over HTTP, signed as the real-time feed's webhooks are ({@link Webhooks#sign}:
 * {@code X-Segmenta-Signature: sha256=<hex HMAC-SHA256 of the body>}), with the send's idempotency key in
 * {@code Idempotency-Key} (the same on every attempt). No answer within 10 s or a status other than 2xx throws; the
 * journey engine retries with its durable backoff (1 s doubling, 5 attempts, kept in the store, so a retry survives a
 * restart, where the feed's retries are in memory).
 */
final class JourneyWebhooks implements WebhookPoster {
  private final String secret;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  JourneyWebhooks(String secret) {
    this.secret = secret;
  }

  @Override
  public void post(URI url, String idempotencyKey, byte[] body) {
    HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .header("X-Segmenta-Signature", "sha256=" + Webhooks.sign(secret, body)).header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    int status;
    try {
      status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new IllegalStateException("webhook not delivered: " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling a webhook", e);
    }
    if (status / 100 != 2) {
      throw new IllegalStateException("webhook answered " + status);
    }
  }
}
