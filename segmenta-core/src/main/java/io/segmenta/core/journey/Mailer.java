package io.segmenta.core.journey;

import java.util.Map;

/** Delivers one e-mail (SMTP in the server). Throws when delivery failed, so the engine retries it. */
public interface Mailer {

  /**
   * An e-mail ready to go. {@code messageId} is derived from the send's idempotency key, so a message delivered again
   * after a crash carries the same Message-ID; {@code headers} adds e.g. List-Unsubscribe.
   */
  record Message(String messageId, String to, String subject, String html, Map<String, String> headers) {
    public Message {
      headers = Map.copyOf(headers);
    }
  }

  void send(Message message);
}
