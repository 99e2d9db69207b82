package io.segmenta.core.destination;

import io.segmenta.core.UserException;
import io.segmenta.core.privacy.Purpose;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A segment synced to a channel: which segment, which kind of channel with its settings, for which consent purpose,
 * whether it is an exclusion audience (a suppression list), how often on a schedule ({@code every}; null: only on
 * demand), whether real-time changes of the segment trigger a sync, and optionally the campaign whose ad audience it
 * is (then only the people that campaign wins are synced, see {@code core.campaign}).
 *
 * <p>Secrets are never stored: settings ending in {@code _env} name the environment variable that holds them.
 */
public record Destination(String key, String segment, Kind kind, Map<String, String> settings, Purpose purpose,
    boolean exclusion, Duration every, boolean onChange, String campaign) {

  /** The kinds of channel, with the purpose their consent must allow and the settings they need. */
  public enum Kind {
    META(Purpose.ADVERTISING, List.of("audience_id", "token_env"), false),
    GOOGLE(Purpose.ADVERTISING, List.of("customer_id", "user_list_id", "token_env", "developer_token_env"), false),
    MAILCHIMP(Purpose.EMAIL_MARKETING, List.of("list_id", "tag", "api_key_env", "api_base"), false),
    /** A generic CSV of e-mail addresses for e-mail tools, written whole to a folder each run. */
    CSV(Purpose.EMAIL_MARKETING, List.of("folder"), true),
    /** Signed JSON with each run's adds and removes. */
    WEBHOOK(null, List.of("url", "secret_env"), false),
    /** CSV, JSON lines or Parquet, written whole to a folder each run. */
    FILE(null, List.of("folder", "format"), true);

    /** The purpose the channel needs (null: the destination says). */
    public final Purpose purpose;
    public final List<String> required;
    /** Whether each run writes every member (a file) rather than the changes. */
    public final boolean snapshot;

    Kind(Purpose purpose, List<String> required, boolean snapshot) {
      this.purpose = purpose;
      this.required = required;
      this.snapshot = snapshot;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new UserException("kind must be meta, google, mailchimp, csv, webhook or file, got '" + s + "'");
      }
    }
  }

  static final Set<String> FORMATS = Set.of("csv", "jsonl", "parquet");

  public Destination {
    if (key == null || !key.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
      throw new UserException("destination key must be lower-case letters, digits, '_' or '-', got '" + key + "'");
    }
    if (segment == null || segment.isBlank()) {
      throw new UserException("destination " + key + " needs a segment");
    }
    if (kind == null) {
      throw new UserException("destination " + key + " needs a kind");
    }
    settings = Map.copyOf(new TreeMap<>(settings == null ? Map.of() : settings));
    for (String r : kind.required) {
      if (settings.getOrDefault(r, "").isBlank()) {
        throw new UserException("a " + kind.label() + " destination needs the setting '" + r + "'");
      }
    }
    if (kind == Kind.FILE && !FORMATS.contains(settings.get("format"))) {
      throw new UserException("format must be csv, jsonl or parquet, got '" + settings.get("format") + "'");
    }
    if (kind.purpose != null && purpose != null && purpose != kind.purpose) {
      throw new UserException("a " + kind.label() + " destination is for " + kind.purpose.label() + ", not " + purpose.label());
    }
    purpose = kind.purpose != null ? kind.purpose : purpose == null ? Purpose.ANALYTICS : purpose;
    if (every != null && every.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new UserException("every must be at least 1 minute, got " + every);
    }
  }

  /** A setting, or {@code fallback}. */
  public String setting(String name, String fallback) {
    String v = settings.get(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
