package io.segmenta.core.audience;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/**
 * Meta Custom Audiences' normalisation, then SHA-256 in lower-case hex (Marketing API, "Hashing and normalizing
 * data"; the Business Help Centre's customer-list format guide).
 *
 * <p>Why these rules, field by field, as Meta's table gives them: EMAIL — trim leading and trailing whitespace, lower
 * case. PHONE — digits only, no symbols or letters, leading zeros removed, the country code always included, no "+"
 * (the guide's "1-234-567-8910" is {@code 12345678910}, "+44 844 412 4653" is {@code 448444124653}). FN and LN —
 * lower case, no punctuation, letters of any script kept in UTF-8. CT — lower case, no punctuation, no spaces.
 * ZIP — lower case, no spaces or dashes; US codes keep their first 5 digits. COUNTRY — lower-case ISO 3166-1 alpha-2.
 * GEN — {@code m} or {@code f}. A value that normalises to nothing is left out, not hashed.
 */
public final class MetaNormaliser {
  /** The schema keys of Meta's payload, in the order this class knows them. */
  public static final String EMAIL = "EMAIL";
  public static final String PHONE = "PHONE";

  private final String defaultCallingCode;

  /** {@code defaultCallingCode}: digits put before national phone numbers (null: numbers carry their own). */
  public MetaNormaliser(String defaultCallingCode) {
    this.defaultCallingCode = PhoneNumbers.checkCallingCode(defaultCallingCode);
  }

  public Optional<String> email(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String e = raw.strip().toLowerCase(Locale.ROOT);
    int at = e.indexOf('@');
    if (at <= 0 || at != e.lastIndexOf('@') || at == e.length() - 1 || e.chars().anyMatch(Character::isWhitespace)) {
      return Optional.empty();
    }
    return Optional.of(e);
  }

  public Optional<String> phone(String raw) {
    return PhoneNumbers.digitsWithCountryCode(raw, defaultCallingCode);
  }

  /** FN and LN: lower case, punctuation and spaces removed, letters and digits of any script kept. */
  public Optional<String> name(String raw) {
    return letters(raw);
  }

  /** CT: lower case, no punctuation, no spaces. */
  public Optional<String> city(String raw) {
    return letters(raw);
  }

  /** ST: lower case, no punctuation, no spaces (a US state as its two-letter code when given so). */
  public Optional<String> state(String raw) {
    return letters(raw);
  }

  /** DOB as Meta hashes it: YYYYMMDD. */
  public static String dateOfBirth(LocalDate d) {
    return String.format("%04d%02d%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
  }

  /** DOBY: the year of birth, YYYY. */
  public static String yearOfBirth(LocalDate d) {
    return String.format("%04d", d.getYear());
  }

  /** Age: whole years as digits; out of 0..130 is left out. */
  public Optional<String> age(double years) {
    return Double.isFinite(years) && years >= 0 && years <= 130 ? Optional.of(Long.toString((long) Math.floor(years))) : Optional.empty();
  }

  public Optional<String> zip(String raw, String country) {
    if (raw == null) {
      return Optional.empty();
    }
    String z = raw.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s-]", "");
    if ("us".equalsIgnoreCase(country) && z.length() > 5 && z.substring(0, 5).chars().allMatch(Character::isDigit)) {
      z = z.substring(0, 5);
    }
    return z.isEmpty() || !z.chars().allMatch(Character::isLetterOrDigit) ? Optional.empty() : Optional.of(z);
  }

  public Optional<String> country(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String c = raw.strip().toLowerCase(Locale.ROOT);
    return c.matches("[a-z]{2}") ? Optional.of(c) : Optional.empty();
  }

  public Optional<String> gender(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String g = raw.strip().toLowerCase(Locale.ROOT);
    return g.startsWith("f") ? Optional.of("f") : g.startsWith("m") ? Optional.of("m") : Optional.empty();
  }

  /** A normalised value hashed as Meta takes it. */
  public static String hash(String normalised) {
    return Digests.sha256Hex(normalised);
  }

  private static Optional<String> letters(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String n = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder(n.length());
    n.codePoints().filter(Character::isLetterOrDigit).forEach(b::appendCodePoint);
    return b.isEmpty() ? Optional.empty() : Optional.of(b.toString());
  }
}
