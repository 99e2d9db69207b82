package io.segmenta.core.destination;

import java.util.List;

/**
 * Where a destination's runs go: an ad platform's API, an e-mail tool, a webhook or a folder. A channel sends one
 * run's changes, or the whole audience for snapshot kinds, and answers what was refused; a failure it expects to
 * pass (network, 429, 5xx) is a retryable {@link ChannelException}.
 */
public interface Channel {

  /** One run's changes: the entries to add, the kept values to remove, and every current entry (snapshots). */
  record Changes(Destination destination, List<Entry> adds, List<String> removes, List<Entry> all) {}

  /** What the channel accepted: entries it refused, and why (the first reason). */
  record Delivery(long refused, String reason) {
    public static final Delivery ALL = new Delivery(0, null);
  }

  Delivery deliver(Changes changes);

  /** A failed delivery; {@code retryable} when trying again may succeed. Its message never carries personal data. */
  final class ChannelException extends RuntimeException {
    private final boolean retryable;

    public ChannelException(String message, boolean retryable, Throwable cause) {
      super(message, cause);
      this.retryable = retryable;
    }

    public ChannelException(String message, boolean retryable) {
      this(message, retryable, null);
    }

    public boolean retryable() {
      return retryable;
    }
  }
}
