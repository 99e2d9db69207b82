package io.segmenta.core.personalize;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.schema.Names;
import io.segmenta.core.value.Value;
import java.util.Objects;

/**
 * One candidate of a placement: what the client renders ({@code payload}, any JSON the marketer wrote: a headline,
 * an image, a link), who may see it ({@code rule}, in the segment language over traits, computed traits, saved
 * segments and the request's context; empty for everyone), and how much it is preferred ({@code score}, for the
 * highest-score strategy).
 *
 * @param recommendations how many product recommendations to attach to the content (0 for none)
 */
public record Content(String key, String rule, double score, Value payload, int recommendations) {
  public Content {
    checkArgument(key != null && Names.isValid(key), "content key must be lower_snake_case, got '%s'", key);
    rule = rule == null ? "" : rule.strip();
    checkArgument(Double.isFinite(score), "content score must be a finite number, got %s", score);
    Objects.requireNonNull(payload, "payload");
    checkArgument(recommendations >= 0 && recommendations <= 50, "recommendations must be between 0 and 50, got %s", recommendations);
  }

  public boolean forEveryone() {
    return rule.isEmpty();
  }
}
