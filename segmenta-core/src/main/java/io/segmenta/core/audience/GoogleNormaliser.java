package io.segmenta.core.audience;

import java.util.Locale;
import java.util.Optional;

/**
 * Google Customer Match's normalisation, then SHA-256 in lower-case hex (Google's "Format user data" guide of the
 * Data Manager API, and the Google Ads API's Customer Match guide).
 *
 * <p>Why these rules: an e-mail address is lower-cased and loses all whitespace, leading, trailing and inside; for
 * the domains gmail.com and googlemail.com only, the dots of the local part and a "+" with everything after it are
 * removed ("cloudy.sanfrancisco+shopping@gmail.com" is {@code cloudysanfrancisco@gmail.com}, while
 * "user.name+NYC@Example.com" is {@code user.name+nyc@example.com}). A phone number is E.164 with its "+" and country
 * code, digits only after the "+" ("(800)555-0100" in the US is {@code +18005550100}).
 */
public final class GoogleNormaliser {
  private final String defaultCallingCode;

  /** {@code defaultCallingCode}: digits put before national phone numbers (null: numbers carry their own). */
  public GoogleNormaliser(String defaultCallingCode) {
    this.defaultCallingCode = PhoneNumbers.checkCallingCode(defaultCallingCode);
  }

  public Optional<String> email(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder(raw.length());
    raw.codePoints().filter(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c)).forEach(b::appendCodePoint);
    String e = b.toString().toLowerCase(Locale.ROOT);
    int at = e.indexOf('@');
    if (at <= 0 || at != e.lastIndexOf('@') || at == e.length() - 1) {
      return Optional.empty();
    }
    String local = e.substring(0, at);
    String domain = e.substring(at + 1);
    if (domain.equals("gmail.com") || domain.equals("googlemail.com")) {
      int plus = local.indexOf('+');
      if (plus >= 0) {
        local = local.substring(0, plus);
      }
      local = local.replace(".", "");
      if (local.isEmpty()) {
        return Optional.empty();
      }
    }
    return Optional.of(local + "@" + domain);
  }

  /** E.164 with the "+". */
  public Optional<String> phone(String raw) {
    return PhoneNumbers.digitsWithCountryCode(raw, defaultCallingCode).map(d -> "+" + d);
  }

  public static String hash(String normalised) {
    return Digests.sha256Hex(normalised);
  }
}
