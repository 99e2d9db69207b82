package io.segmenta.core.journey;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.schema.Names;
import io.segmenta.core.value.Value;
import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

/** One step of a journey, named by its {@code id}; {@link #next()} lists the steps it can lead to. */
public sealed interface Step {
  String id();

  /** The steps this one can lead to (none: the journey ends here). */
  List<String> next();

  /** Waits {@code duration}, then goes on to {@code then}. */
  record Wait(String id, Duration duration, String then) implements Step {
    public Wait {
      valid(id);
      checkArgument(duration != null && !duration.isNegative() && !duration.isZero(), "step '%s': wait must be positive, got %s", id, duration);
    }

    @Override
    public List<String> next() {
      return List.of(then);
    }
  }

  /** Goes to {@code yes} when {@code rule} (the segment language) holds for the profile at that moment, else {@code no}. */
  record Branch(String id, String rule, String yes, String no) implements Step {
    public Branch {
      valid(id);
      checkArgument(rule != null && !rule.isBlank(), "step '%s': a branch needs a rule", id);
    }

    @Override
    public List<String> next() {
      return List.of(yes, no);
    }
  }

  /**
   * A random split: {@code holdoutPercent} of the people (by a stable hash of journey, profile and entry) are held out
   * and receive nothing more (to measure lift); the others go on to {@code then}.
   */
  record Split(String id, int holdoutPercent, String then) implements Step {
    public Split {
      valid(id);
      checkArgument(holdoutPercent >= 0 && holdoutPercent <= 100, "step '%s': holdout must be 0 to 100 percent, got %s", id, holdoutPercent);
    }

    @Override
    public List<String> next() {
      return List.of(then);
    }
  }

  /** Sends the e-mail of the journey's template {@code template} (marketing: consent and frequency caps apply). */
  record SendEmail(String id, String template, String then) implements Step {
    public SendEmail {
      valid(id);
      checkArgument(template != null && !template.isBlank(), "step '%s': send_email needs a template", id);
    }

    @Override
    public List<String> next() {
      return then == null ? List.of() : List.of(then);
    }
  }

  /** Waits until the next {@code time} of day in the profile's time zone (its {@code timezone} trait, else the journey's). */
  record WaitUntil(String id, LocalTime time, String then) implements Step {
    public WaitUntil {
      valid(id);
      checkArgument(time != null, "step '%s': wait_until needs a time of day like 09:00", id);
    }

    @Override
    public List<String> next() {
      return List.of(then);
    }
  }

  /**
   * Waits until the date of the trait {@code trait} (a DATE or TIMESTAMP), at {@code at} in the profile's time zone;
   * a date already past, or none, goes on at once (recorded).
   */
  record WaitForDate(String id, String trait, LocalTime at, String then) implements Step {
    public WaitForDate {
      valid(id);
      checkArgument(trait != null && !trait.isBlank(), "step '%s': wait_until_date needs a date trait", id);
      at = at == null ? LocalTime.of(9, 0) : at;
    }

    @Override
    public List<String> next() {
      return List.of(then);
    }
  }

  /**
   * Waits until {@code rule} holds (then {@code yes}), for at most {@code timeout} (then {@code no}). The rule is
   * checked when the step is reached and then every {@link #poll()}.
   */
  record WaitFor(String id, String rule, Duration timeout, String yes, String no) implements Step {
    public WaitFor {
      valid(id);
      checkArgument(rule != null && !rule.isBlank(), "step '%s': wait_for needs a rule", id);
      checkArgument(timeout != null && !timeout.isNegative() && !timeout.isZero(), "step '%s': timeout must be positive, got %s", id, timeout);
    }

    /** How often the rule is checked again: a hundredth of the timeout, within 1 s and 1 h. */
    public Duration poll() {
      Duration d = timeout.dividedBy(100);
      return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : d;
    }

    @Override
    public List<String> next() {
      return List.of(yes, no);
    }
  }

  /**
   * POSTs the run (journey, version, step, profile, entry, idempotency key) as JSON to {@code url}, signed and retried
   * (see {@link WebhookPoster}).
   */
  record Webhook(String id, URI url, String then) implements Step {
    public Webhook {
      valid(id);
      checkArgument(url != null && ("https".equals(url.getScheme()) || "http".equals(url.getScheme())) && url.getHost() != null,
          "step '%s': webhook needs an http(s) URL, got '%s'", id, url);
    }

    @Override
    public List<String> next() {
      return then == null ? List.of() : List.of(then);
    }
  }

  /** Sets traits of the profile (e.g. {@code {"loyalty_tier": "gold"}}). */
  record SetTraits(String id, Map<String, Value> traits, String then) implements Step {
    public SetTraits {
      valid(id);
      checkArgument(traits != null && !traits.isEmpty(), "step '%s': set_trait needs at least one trait", id);
      traits = Map.copyOf(traits);
    }

    @Override
    public List<String> next() {
      return then == null ? List.of() : List.of(then);
    }
  }

  /**
   * Adds the profile to ({@code add}) or removes it from the audience of the destination {@code destination}
   * ({@code core.destination}): the change is delivered to its channel at once and kept in the destination's sync
   * state, as a sync would (see {@code AudienceSteps}).
   */
  record Audience(String id, String destination, boolean add, String then) implements Step {
    public Audience {
      valid(id);
      checkArgument(destination != null && !destination.isBlank(), "step '%s': %s needs a destination", id, add ? "add_to_audience" : "remove_from_audience");
    }

    @Override
    public List<String> next() {
      return then == null ? List.of() : List.of(then);
    }
  }

  /** Ends the journey. */
  record Exit(String id) implements Step {
    public Exit {
      valid(id);
    }

    @Override
    public List<String> next() {
      return List.of();
    }
  }

  private static void valid(String id) {
    checkArgument(id != null && Names.isValid(id), "step id must be lower_snake_case, got '%s'", id);
  }
}
