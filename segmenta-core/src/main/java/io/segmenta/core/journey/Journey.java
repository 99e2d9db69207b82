package io.segmenta.core.journey;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.email.template.EmailTemplate;
import io.segmenta.core.schema.Names;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A journey: who enters ({@code trigger}), what happens to them ({@code steps}, the first one first), when they leave
 * early ({@code goal} reached, or an {@code exits} rule holds: both in the segment language, checked before every
 * step), whether they may enter again ({@code reentry}), how often a channel may reach a person across all journeys
 * ({@code caps}), the e-mail templates its steps send, by key, the time zone of people without a {@code timezone}
 * trait ({@code zone}, UTC by default), and the hours no e-mail goes out in a person's time zone ({@code quietHours},
 * none by default). {@code version} grows with each saved edit.
 */
public record Journey(String key, int version, String description, Trigger trigger, List<Step> steps, String goal, List<String> exits,
    Reentry reentry, List<FrequencyCap> caps, Map<String, EmailTemplate> templates, ZoneId zone, QuietHours quietHours) {

  public Journey {
    checkArgument(key != null && Names.isValid(key), "journey key must be lower_snake_case, got '%s'", key);
    checkArgument(version >= 1, "journey '%s': version must be at least 1, got %s", key, version);
    checkArgument(trigger != null, "journey '%s' needs a trigger", key);
    checkArgument(steps != null && !steps.isEmpty(), "journey '%s' needs at least one step", key);
    steps = List.copyOf(steps);
    Set<String> ids = new HashSet<>();
    for (Step s : steps) {
      checkArgument(ids.add(s.id()), "journey '%s': two steps are named '%s'", key, s.id());
    }
    exits = exits == null ? List.of() : List.copyOf(exits);
    reentry = reentry == null ? Reentry.NEVER : reentry;
    caps = caps == null ? List.of() : List.copyOf(caps);
    templates = templates == null ? Map.of() : Map.copyOf(templates);
    description = description == null ? "" : description;
    zone = zone == null ? ZoneOffset.UTC : zone;
  }

  /** The same journey without quiet hours, in UTC (the defaults). */
  public Journey(String key, int version, String description, Trigger trigger, List<Step> steps, String goal, List<String> exits,
      Reentry reentry, List<FrequencyCap> caps, Map<String, EmailTemplate> templates) {
    this(key, version, description, trigger, steps, goal, exits, reentry, caps, templates, null, null);
  }

  public Optional<Step> step(String id) {
    return steps.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  public Step first() {
    return steps.get(0);
  }

  /**
   * This journey as saved over {@code old}: version 1 when new, the old version when nothing else changed, and one
   * more than the old version otherwise (runs in flight then move to it, see {@link JourneyEngine}).
   */
  public Journey savedOver(Optional<Journey> old) {
    if (old.isEmpty()) {
      return withVersion(1);
    }
    Journey same = withVersion(old.get().version());
    return same.equals(old.get()) ? same : withVersion(old.get().version() + 1);
  }

  public Journey withVersion(int v) {
    return new Journey(key, v, description, trigger, steps, goal, exits, reentry, caps, templates, zone, quietHours);
  }

  /** Whether a profile may enter again: never, after a time since its last entry, or always (once the last one ended). */
  public record Reentry(Mode mode, Duration after) {
    public static final Reentry NEVER = new Reentry(Mode.NEVER, null);
    public static final Reentry ALWAYS = new Reentry(Mode.ALWAYS, null);

    public enum Mode { NEVER, AFTER, ALWAYS }

    public Reentry {
      checkArgument(mode != null, "reentry needs a mode");
      checkArgument(mode != Mode.AFTER || (after != null && !after.isNegative() && !after.isZero()),
          "reentry 'after' needs a positive duration, got %s", after);
      after = mode == Mode.AFTER ? after : null;
    }
  }

  /** At most {@code max} messages of {@code channel} per {@code per}, to one person, across every journey. */
  public record FrequencyCap(String channel, int max, Duration per) {
    public FrequencyCap {
      checkArgument("email".equals(channel), "frequency cap channel must be 'email' (the one channel so far), got '%s'", channel);
      checkArgument(max >= 1, "frequency cap max must be at least 1, got %s", max);
      checkArgument(per != null && !per.isNegative() && !per.isZero(), "frequency cap period must be positive, got %s", per);
    }
  }

  /**
   * No e-mail between {@code from} and {@code to} (local time; across midnight when {@code from} is after {@code to}):
   * a send that falls inside waits until {@code to}.
   */
  public record QuietHours(LocalTime from, LocalTime to) {
    public QuietHours {
      checkArgument(from != null && to != null && !from.equals(to), "quiet hours need two different times, got %s to %s", from, to);
    }

    public boolean contains(LocalTime t) {
      return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
    }
  }
}
