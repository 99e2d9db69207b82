package io.segmenta.core.review;

import java.time.Instant;
import java.util.List;

/** The stored list of review alerts the web app reads. */
public interface AlertLog {
  /** Keeps alerts; an alert for the same segment and reason on the same UTC day as a kept one is not kept again. */
  List<Alert> raise(List<Alert> alerts);

  /** Alerts raised at or after {@code since}, newest first, at most {@code limit}. */
  List<Alert> alerts(Instant since, int limit);
}
