package io.segmenta.core.destination;

import io.segmenta.core.audience.GoogleNormaliser;
import io.segmenta.core.audience.MailchimpHash;
import io.segmenta.core.audience.MetaNormaliser;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.port.Member;
import java.util.Optional;

/**
 * What each kind of destination sends and keeps of a member ({@link Entry}); null when the member has nothing the
 * channel can match on (an ad platform needs an e-mail or a phone, an e-mail tool an e-mail).
 *
 * <p>Ad platforms get the member's first e-mail and first phone, normalised and hashed by the platform's own rules
 * ({@link MetaNormaliser}, {@link GoogleNormaliser}) as {@code "emailhash,phonehash"} (either may be empty), which
 * is also what the state keeps, so a person can be removed after they were erased. Mailchimp gets the address and the
 * state keeps its member id (MD5). Webhooks, files and CSVs key by profile id.
 */
public final class Payloads {
  private final Destination destination;
  private final MetaNormaliser meta;
  private final GoogleNormaliser google;

  public Payloads(Destination destination) {
    this.destination = destination;
    String code = destination.setting("default_calling_code", null);
    this.meta = destination.kind() == Destination.Kind.META ? new MetaNormaliser(code) : null;
    this.google = destination.kind() == Destination.Kind.GOOGLE ? new GoogleNormaliser(code) : null;
  }

  /** The entry of a member, or null when the channel cannot match them. */
  public Entry entry(Member m) {
    String email = first(m, "email");
    String phone = first(m, "phone");
    String id = m.profileId();
    return switch (destination.kind()) {
      case META -> hashed(id, meta.email(email).map(MetaNormaliser::hash), meta.phone(phone).map(MetaNormaliser::hash));
      case GOOGLE -> hashed(id, google.email(email).map(GoogleNormaliser::hash), google.phone(phone).map(GoogleNormaliser::hash));
      case MAILCHIMP -> MailchimpHash.email(email).map(e -> entry(id, MailchimpHash.memberId(e).orElseThrow(), e)).orElse(null);
      case CSV -> MailchimpHash.email(email).map(e -> entry(id, id, e)).orElse(null);
      case WEBHOOK -> entry(id, id, id);
      case FILE -> entry(id, id, id + '\t' + (email == null ? "" : email) + '\t' + (phone == null ? "" : phone));
    };
  }

  private static Entry hashed(String id, Optional<String> email, Optional<String> phone) {
    if (email.isEmpty() && phone.isEmpty()) {
      return null;
    }
    String v = email.orElse("") + "," + phone.orElse("");
    return entry(id, v, v);
  }

  private static Entry entry(String id, String kept, String add) {
    return new Entry(id, fingerprint(id, add), kept, add);
  }

  private static String first(Member m, String kind) {
    for (Identifier i : m.identifiers()) {
      if (i.kind().equals(kind)) {
        return i.value();
      }
    }
    return null;
  }

  /**
   * A 64-bit fingerprint of the profile and what is sent for them: FNV-1a over the UTF-16 units, then the SplitMix64
   * finaliser (Steele et al., 2014) so near-equal inputs spread over all bits. Two of a million entries collide with
   * probability about 3e-8; a collision would at worst skip one re-send of a changed entry.
   */
  public static long fingerprint(String profileId, String add) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < profileId.length(); i++) {
      h = (h ^ profileId.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ 0xffff) * 0x100000001b3L;
    for (int i = 0; i < add.length(); i++) {
      h = (h ^ add.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
