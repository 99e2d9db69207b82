package io.segmenta.core.audience;

import java.util.Optional;

/**
 * A phone number as stored (any punctuation, national or international) to its digits with the country calling code,
 * the form both ad platforms start from (Meta hashes these digits; Google hashes them after a "+").
 *
 * <p>Why these rules. ITU-T E.164 numbers are a country code and a national number of at most 15 digits together.
 * An international form starts with "+" or the international prefix "00"; anything else is national: its leading
 * zeros are the trunk prefix (Meta: "remove ... any leading zeros"), dropped before the destination's default calling
 * code is put in front. A national number without a default calling code is taken to include it already (Meta's
 * customer-list guide: "phone numbers must include a country code"). Fewer than 7 or more than 15 digits, or
 * letters (vanity numbers are not dialable as written), give no number.
 */
public final class PhoneNumbers {
  private PhoneNumbers() {}

  /**
   * The digits of {@code raw} with the calling code; {@code defaultCallingCode} (digits, e.g. "45"; null: none)
   * completes national numbers. Empty when {@code raw} is not a phone number.
   */
  public static Optional<String> digitsWithCountryCode(String raw, String defaultCallingCode) {
    if (raw == null) {
      return Optional.empty();
    }
    String s = raw.strip();
    boolean international = s.startsWith("+");
    StringBuilder d = new StringBuilder();
    for (int i = international ? 1 : 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        d.append(c);
      } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\u00a0') {
        continue;
      } else {
        return Optional.empty();
      }
    }
    String digits = d.toString();
    if (!international && digits.startsWith("00")) {
      international = true;
      digits = digits.substring(2);
    }
    if (!international) {
      int z = 0;
      while (z < digits.length() && digits.charAt(z) == '0') {
        z++;
      }
      digits = digits.substring(z);
      if (defaultCallingCode != null && !defaultCallingCode.isEmpty()) {
        digits = defaultCallingCode + digits;
      }
    }
    if (digits.length() < 7 || digits.length() > 15 || digits.charAt(0) == '0') {
      return Optional.empty();
    }
    return Optional.of(digits);
  }

  /** Checks a default calling code: 1 to 3 digits, not starting with 0. */
  public static String checkCallingCode(String code) {
    if (code != null && !code.matches("[1-9][0-9]{0,2}")) {
      throw new IllegalArgumentException("default_calling_code must be 1 to 3 digits without '+', got '" + code + "'");
    }
    return code;
  }
}
