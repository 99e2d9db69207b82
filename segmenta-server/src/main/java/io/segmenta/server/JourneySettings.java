package io.segmenta.server;

import io.segmenta.core.journey.Mailer;
import java.time.Duration;

/**
 * How the server runs journeys: the mail transport (null: every send is skipped, with the reason "no mail transport
 * configured"), how often due steps are taken, and the secret webhook steps sign their calls with (null: webhook
 * steps are skipped, "no webhook transport configured").
 */
public record JourneySettings(Mailer mailer, Duration tick, String webhookSecret) {
  public static final JourneySettings NO_MAIL = new JourneySettings(null, Duration.ofSeconds(1));

  public JourneySettings {
    if (tick == null || tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("the journey tick must be positive, got " + tick);
    }
    if (webhookSecret != null && webhookSecret.length() < 16) {
      throw new IllegalArgumentException("the journey webhook secret must have at least 16 characters, got " + webhookSecret.length());
    }
  }

  public JourneySettings(Mailer mailer, Duration tick) {
    this(mailer, tick, null);
  }
}
