package io.segmenta.core.journey;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.schema.Names;
import java.time.Duration;
import java.util.List;

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
