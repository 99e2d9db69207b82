package io.segmenta.server;

import java.util.Objects;
import java.util.Locale;

/**
 * Where tracked data comes from: a name (shown to the admin, never the key), the write key its clients send, and
 * whether its messages are checked strictly. A strict source refuses a message whose values clash with the declared
 * types of their properties or traits (400, nothing stored); a lenient one (the default) stores what fits.
 */
public record Source(String name, String writeKey, boolean strict) {
  public Source {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(writeKey, "writeKey");
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException("a source name has 1 to 64 letters, digits, '_', '.' or '-', got '" + name + "'");
    }
    if (writeKey.isBlank() || writeKey.length() > 256 || writeKey.chars().anyMatch(c -> c <= ' ' || c == ':' || c > '~')) {
      throw new IllegalArgumentException("source '" + name + "': a write key has 1 to 256 printable ASCII characters other than ':' and spaces");
    }
  }

  /** A lenient source. */
  public static Source lenient(String name, String writeKey) {
    return new Source(name, writeKey, false);
  }

  /**
   * A source as the command line writes it: {@code name:key} or {@code name:key:strict} (or {@code :lenient}).
   */
  public static Source parse(String spec) {
    String[] p = spec.split(":", -1);
    if (p.length < 2 || p.length > 3) {
      throw new IllegalArgumentException("a source is written name:key or name:key:strict, got '" + spec.replaceAll(":.*", ":…") + "'");
    }
    boolean strict = false;
    if (p.length == 3) {
      strict = switch (p[2].toLowerCase(Locale.ROOT)) {
        case "strict" -> true;
        case "lenient" -> false;
        default -> throw new IllegalArgumentException("source '" + p[0] + "': the third part is strict or lenient, got '" + p[2] + "'");
      };
    }
    return new Source(p[0], p[1], strict);
  }

  @Override
  public String toString() {
    return "Source[" + name + (strict ? ", strict" : ", lenient") + "]";
  }
}
