package io.segmenta.core.journey;

import java.net.URI;

/**
 * Delivers one webhook call of a journey step (signed HTTP in the server). Throws when delivery failed (no answer, or
 * not 2xx), so the engine retries it with its backoff. {@code idempotencyKey} is the send's key, the same on every
 * attempt, so a receiver can drop a second copy.
 */
public interface WebhookPoster {
  void post(URI url, String idempotencyKey, byte[] body);
}
