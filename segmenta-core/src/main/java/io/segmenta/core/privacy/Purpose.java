package io.segmenta.core.privacy;

import io.segmenta.core.UserException;
import java.util.Locale;

/**
 * What personal data may be used for, each consented to separately (GDPR art. 6 and 7; ePrivacy for e-mail
 * marketing). Analytics of one's own first-party data runs on legitimate interest: allowed until the person objects
 * (opt-out). Personalization, e-mail marketing and advertising need the person's consent first (opt-in).
 */
public enum Purpose {
  ANALYTICS(false), PERSONALIZATION(true), EMAIL_MARKETING(true), ADVERTISING(true);

  /** Whether the purpose needs an explicit grant; otherwise it is allowed until withdrawn (see {@code consent.ConsentPolicy}). */
  public final boolean optIn;

  Purpose(boolean optIn) {
    this.optIn = optIn;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a purpose, also as consent tools name their categories (Marketing, Ads, Functional, ...). */
  public static Purpose parse(String s) {
    String x = s.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "_").replaceAll("^_|_$", "");
    return switch (x) {
      case "analytics", "statistics", "performance", "measurement" -> ANALYTICS;
      case "personalization", "personalisation", "functional", "preferences" -> PERSONALIZATION;
      case "email_marketing", "email", "marketing", "newsletter" -> EMAIL_MARKETING;
      case "advertising", "ads", "targeting", "advertisement" -> ADVERTISING;
      default -> throw new UserException("unknown purpose '" + s + "'; expected analytics, personalization, email_marketing or advertising");
    };
  }
}
