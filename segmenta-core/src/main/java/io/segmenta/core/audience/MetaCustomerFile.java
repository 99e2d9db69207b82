package io.segmenta.core.audience;

import io.segmenta.core.model.Identifier;
import io.segmenta.core.port.Member;
import io.segmenta.core.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The customer-list file Meta's Custom Audience upload screen takes (Business Help Centre, "How to format a customer
 * list"): one row per person, a header of Meta's column names, every value normalised by {@link MetaNormaliser} and
 * hashed with SHA-256 (the upload screen hashes plain values the same way in the browser; hashed columns are matched
 * as they are).
 *
 * <p>Why these columns: Meta's main identifiers {@code email} and {@code phone} (up to three of each, one per column),
 * then the additional identifiers {@code fn}, {@code ln}, {@code ct}, {@code st}, {@code zip}, {@code country},
 * {@code dob}, {@code doby}, {@code gen} and {@code age}, read from the standard traits (first_name, last_name, city,
 * region, postal_code, country, birth_date, gender, age). Meta's {@code madid} and {@code uid} are ids of mobile apps
 * and Facebook app users that a shop's profiles do not hold, so they are not written. A row needs an e-mail or a phone;
 * the others only sharpen the match.
 */
public final class MetaCustomerFile {
  /** How many e-mails and phones a row carries, as Meta accepts. */
  public static final int PER_KIND = 3;
  public static final List<String> HEADER = List.of("email", "email", "email", "phone", "phone", "phone", "fn", "ln", "ct", "st", "zip",
      "country", "dob", "doby", "gen", "age");
  /** The traits a row reads. */
  public static final List<String> TRAITS = List.of("first_name", "last_name", "city", "region", "postal_code", "country", "birth_date",
      "gender", "age");

  private final MetaNormaliser meta;

  public MetaCustomerFile(MetaNormaliser meta) {
    this.meta = meta;
  }

  /** The row of a member, hashed, in the order of {@link #HEADER}; null when they have neither e-mail nor phone. */
  public List<String> row(Member m) {
    List<String> emails = new ArrayList<>();
    List<String> phones = new ArrayList<>();
    for (Identifier i : m.identifiers()) {
      if (i.kind().equals("email") && emails.size() < PER_KIND) {
        meta.email(i.value()).map(MetaNormaliser::hash).filter(h -> !emails.contains(h)).ifPresent(emails::add);
      } else if (i.kind().equals("phone") && phones.size() < PER_KIND) {
        meta.phone(i.value()).map(MetaNormaliser::hash).filter(h -> !phones.contains(h)).ifPresent(phones::add);
      }
    }
    if (emails.isEmpty() && phones.isEmpty()) {
      return null;
    }
    List<String> row = new ArrayList<>(HEADER.size());
    pad(row, emails);
    pad(row, phones);
    String country = text(m, "country");
    row.add(hashed(meta.name(text(m, "first_name"))));
    row.add(hashed(meta.name(text(m, "last_name"))));
    row.add(hashed(meta.city(text(m, "city"))));
    row.add(hashed(meta.state(text(m, "region"))));
    row.add(hashed(meta.zip(text(m, "postal_code"), country)));
    row.add(hashed(meta.country(country)));
    Value birth = m.traits().get("birth_date");
    row.add(birth instanceof Value.DateValue d ? MetaNormaliser.hash(MetaNormaliser.dateOfBirth(d.value())) : "");
    row.add(birth instanceof Value.DateValue d ? MetaNormaliser.hash(MetaNormaliser.yearOfBirth(d.value())) : "");
    row.add(hashed(meta.gender(text(m, "gender"))));
    Value age = m.traits().get("age");
    row.add(age instanceof Value.Num n ? hashed(meta.age(n.value())) : "");
    return row;
  }

  private static void pad(List<String> row, List<String> values) {
    for (int i = 0; i < PER_KIND; i++) {
      row.add(i < values.size() ? values.get(i) : "");
    }
  }

  private static String hashed(Optional<String> normalised) {
    return normalised.map(MetaNormaliser::hash).orElse("");
  }

  private static String text(Member m, String trait) {
    return m.traits().get(trait) instanceof Value.Str s ? s.value() : null;
  }
}
