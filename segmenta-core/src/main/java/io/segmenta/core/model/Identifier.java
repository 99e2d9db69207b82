package io.segmenta.core.model;

import java.util.Locale;

import static io.segmenta.core.Preconditions.checkArgument;

/** One way to recognise a person: an e-mail, a phone number, or an id in another system ({@code kind}). */
public record Identifier(String kind, String value) {
  public Identifier {
    checkArgument(kind != null && kind.matches("[a-z][a-z0-9_]{0,62}"), "identifier kind must be lower_snake_case, got '%s'", kind);
    checkArgument(value != null && !value.isBlank(), "identifier '%s' must have a value", kind);
  }

  public static Identifier email(String e) {
    return new Identifier("email", e.trim().toLowerCase(Locale.ROOT));
  }

  public static Identifier phone(String p) {
    return new Identifier("phone", p.trim());
  }
}
