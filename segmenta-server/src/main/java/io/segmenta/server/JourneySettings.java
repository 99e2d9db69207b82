package io.segmenta.server;

import io.segmenta.core.journey.Mailer;
import java.time.Duration;

/**
 * How the server runs journeys: the mail transport (null: every send is skipped, with the reason "no mail transport
 * configured") and how often due steps are taken.
 */
public record JourneySettings(Mailer mailer, Duration tick) {
  public static final JourneySettings NO_MAIL = new JourneySettings(null, Duration.ofSeconds(1));

  public JourneySettings {
    if (tick == null || tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("the journey tick must be positive, got " + tick);
    }
  }
}
