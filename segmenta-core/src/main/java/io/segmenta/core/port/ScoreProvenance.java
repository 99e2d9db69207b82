package io.segmenta.core.port;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where a population score comes from: the model that computed it, its parameters and random seed, the instant the
 * data was taken at ({@code asOf}) and the instant it ran, and the command that computes it again. A score is
 * stored, not derived, so a rule reading it at another instant reads old values; this is what a note about it says.
 *
 * @param model     the model, e.g. {@code rfm}, {@code clv}, {@code lookalike}
 * @param parameters the model's parameters by name (sorted), e.g. the seed segment of a lookalike
 * @param seed      the random seed it drew with; null when it draws nothing at random
 * @param command   how to compute it again, for people, without {@code --as-of}; blank when not known
 */
public record ScoreProvenance(String model, Map<String, String> parameters, Long seed, Instant asOf, Instant computedAt, String command) {

  public ScoreProvenance {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(computedAt, "computedAt");
    Objects.requireNonNull(command, "command");
    parameters = Map.copyOf(new TreeMap<>(parameters));
  }

  /** A model without parameters or randomness, run now by {@code clock} for {@code asOf}. */
  public static ScoreProvenance of(String model, Instant asOf, Clock clock, String command) {
    return new ScoreProvenance(model, Map.of(), null, asOf, clock.instant(), command);
  }

  /** For people: "model lookalike (seed 7, seed_segment=vip), computed 2025-...". */
  public String describe() {
    String params = new TreeMap<>(parameters).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    String inner = (seed == null ? "" : "seed " + seed + (params.isEmpty() ? "" : ", ")) + params;
    return "model " + model + (inner.isEmpty() ? "" : " (" + inner + ")") + ", computed " + computedAt;
  }
}
