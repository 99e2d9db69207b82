package io.segmenta.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How one piece of background work is doing, as {@code GET /admin/status} and {@code segmenta status} show it:
 * what it has done ({@code processed}: items, such as events, changes, deliveries or reloads), how many attempts
 * failed, how many of those were retried and how many items were parked after their last attempt (kept in
 * {@code parkedIn}, a file of the data directory an operator can read and replay), how much waits ({@code backlog}),
 * and the last failure.
 */
record BackgroundStatus(String name, long processed, long failed, long retried, long parked, long backlog, String parkedIn,
    Failure lastError) {

  /**
   * A failure: its message (shown to the admin only, never logged: a database's message may quote the data), the
   * classes of its cause chain, outermost first (what logs carry), and when it happened (the server's clock).
   */
  record Failure(String message, List<String> causes, Instant at) {
    Failure {
      causes = List.copyOf(causes);
    }

    static Failure of(Throwable e, Instant at) {
      return new Failure(message(e), causes(e), at);
    }

    /** The cause chain's classes, outermost first: what a log line may say about a failure. */
    static List<String> causes(Throwable e) {
      List<String> out = new ArrayList<>();
      for (Throwable t = e; t != null && out.size() < 10; t = t.getCause()) {
        out.add(t.getClass().getSimpleName());
        if (t.getCause() == t) {
          break;
        }
      }
      return out;
    }

    /** The cause chain as a log line says it: {@code StoreException <- SQLException}. */
    static String chain(Throwable e) {
      return String.join(" <- ", causes(e));
    }

    /** The first message along the chain, cut to 500 characters, with its class. */
    static String message(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t.getMessage() != null && !t.getMessage().isBlank()) {
          String s = t.getClass().getSimpleName() + ": " + t.getMessage();
          return s.length() > 500 ? s.substring(0, 500) + "…" : s;
        }
        if (t.getCause() == t) {
          break;
        }
      }
      return e.getClass().getSimpleName();
    }
  }
}
