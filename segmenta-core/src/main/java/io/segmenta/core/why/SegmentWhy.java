package io.segmenta.core.why;

import io.segmenta.core.UserException;
import io.segmenta.core.model.ProfileHistory;
import io.segmenta.core.port.Definitions;
import io.segmenta.core.port.Profiles;
import io.segmenta.core.port.SegmentDefinition;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * "Why is this person in or out of this saved segment?" as one use case for the CLI ({@code segmenta segment why}),
 * the admin API ({@code GET /admin/segments/{name}/why/{profile}}) and the web app's profile page: the saved rule,
 * the profile by id or by identifier, and the trace of {@link Why} with the saved segments resolved.
 */
public final class SegmentWhy {
  private final Segments segments;
  private final Definitions<SegmentDefinition> definitions;
  private final Profiles profiles;

  public SegmentWhy(Segments segments, Definitions<SegmentDefinition> definitions, Profiles profiles) {
    this.segments = Objects.requireNonNull(segments, "segments");
    this.definitions = Objects.requireNonNull(definitions, "definitions");
    this.profiles = Objects.requireNonNull(profiles, "profiles");
  }

  /**
   * The trace of the profile {@code key} (an id, or with {@code kind} an identifier such as an e-mail) in the saved
   * segment {@code segment} at {@code asOf}. An unknown segment or profile is the user's mistake, named as the API
   * names it (an identifier's value is not repeated: it is personal data).
   */
  public Trace explain(String segment, String key, String kind, Instant asOf) {
    SegmentDefinition d = definitions.find(segment == null ? "" : segment.trim()).orElseThrow(() -> segments.unknownSegment(segment));
    ProfileHistory h = history(key, kind);
    return Why.at(asOf, segments.resolver()).explain(d.name(), RuleText.parseRule(d.rule()), h);
  }

  /** The profile an id or an identifier names. */
  public ProfileHistory history(String key, String kind) {
    if (key == null || key.isBlank()) {
      throw new UserException("profile must not be empty");
    }
    String id = key.trim();
    if (kind != null && !kind.isBlank()) {
      String k = kind.trim().toLowerCase(Locale.ROOT);
      id = profiles.findProfile(k, key.trim()).orElseThrow(() -> new UserException("no profile has that " + k));
    }
    String found = id;
    return profiles.history(found).orElseThrow(() -> new UserException("there is no profile with id '" + found + "'"));
  }
}
