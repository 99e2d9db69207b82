package io.segmenta.core.audience;

import java.util.Locale;
import java.util.Optional;

/**
 * Mailchimp's member id ({@code subscriber_hash}): "the MD5 hash of the lowercase version of the list member's e-mail
 * address" (Marketing API, list members). Surrounding whitespace is trimmed first, as Mailchimp stores the address.
 * Mailchimp's own example: {@code Urist.McVankab@freddiesjokes.com} is {@code 62eeb292278cc15f5817cb78f7790b08}.
 */
public final class MailchimpHash {
  private MailchimpHash() {}

  /** The address as Mailchimp keys it; empty when it is not an address. */
  public static Optional<String> email(String raw) {
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

  /** The member id of an address (empty when it is not one). */
  public static Optional<String> memberId(String raw) {
    return email(raw).map(Digests::md5Hex);
  }
}
