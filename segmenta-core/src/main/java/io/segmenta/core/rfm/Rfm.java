package io.segmenta.core.rfm;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.port.AudienceQuery;
import io.segmenta.core.port.Audiences;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.port.Scores;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.segment.Segments;
import io.segmenta.core.value.Value;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Recency, frequency and monetary scores for every customer in a universe, at an explicit "as of". The three
 * measures, the universe, the number of scores and the scoring method are all part of the {@link Spec}, so that
 * both Segmenta's default and a published pipeline (its own definitions, quartiles, pandas' qcut) can be run and
 * compared. Scores are stored as score traits (rfm_recency_score, ..., rfm_group) and each named group becomes a
 * built-in segment (rfm-champions, rfm-at-risk, ...).
 */
public final class Rfm {
  public static final List<String> TRAITS = List.of("rfm_recency_score", "rfm_frequency_score", "rfm_monetary_score", "rfm_score", "rfm_group");

  /**
   * @param recency a measure where smaller is better (days since the last purchase)
   * @param frequency a measure where larger is better
   * @param monetary a measure where larger is better
   * @param universe who is scored (by default: customers with an order)
   */
  public record Spec(Measure recency, Measure frequency, Measure monetary, Rule universe, int scores, QuantileScores.Method method) {
    public Spec {
      Objects.requireNonNull(recency, "recency");
      Objects.requireNonNull(frequency, "frequency");
      Objects.requireNonNull(monetary, "monetary");
      Objects.requireNonNull(universe, "universe");
      checkArgument(scores >= 2 && scores <= 10, "scores must be 2..10, got %s", scores);
    }

    /** Days since the last order, number of orders, net revenue (returns subtracted); quintiles by rank. */
    public static Spec standard() {
      return over("");
    }

    /**
     * The standard measures over a period in rule syntax ("in last 365 days", "from 2024-01-01 to 2024-12-31"),
     * scoring the customers with an order in it; "" is all history up to "as of".
     */
    public static Spec over(String period) {
      String w = period == null || period.isBlank() ? "" : " " + period.trim();
      return new Spec(measure("days_since(order" + w + ")"), measure("count(order" + w + ")"),
          measure("sum(order.revenue" + w + ") - sum(return.value" + w + ")"), RuleText.parseRule("count(order" + w + ") >= 1"), 5,
          QuantileScores.Method.RANK);
    }
  }

  public record Row(String profileId, double recency, double frequency, double monetary, int r, int f, int m) {
    public String group() {
      return RfmGroups.of(r, f, m);
    }
  }

  public record Result(Instant asOf, Spec spec, List<Row> rows) {
    /** Customers per named group, in the order of {@link RfmGroups#NAMES}. */
    public Map<String, Long> groupSizes() {
      Map<String, Long> out = new LinkedHashMap<>();
      RfmGroups.NAMES.forEach(n -> out.put(n, 0L));
      rows.forEach(r -> out.merge(r.group(), 1L, Long::sum));
      return out;
    }
  }

  private Rfm() {}

  static Measure measure(String text) {
    return ((Rule.MeasureRule) RuleText.parseRule(text + " exists")).measure();
  }

  /** Scores everyone in the universe (customers whose three measures are all defined). */
  public static Result compute(Audiences audiences, Instant asOf, Spec spec) {
    List<String> ids = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    audiences.run(new AudienceQuery.Values(spec.universe(), asOf, List.of(spec.recency(), spec.frequency(), spec.monetary()), (id, v) -> {
      if (v.get(0) instanceof Value.Num r && v.get(1) instanceof Value.Num f && v.get(2) instanceof Value.Num m) {
        ids.add(id);
        values.add(new double[] {r.value(), f.value(), m.value()});
      }
    }));
    int n = ids.size();
    double[] r = new double[n];
    double[] f = new double[n];
    double[] m = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = values.get(i)[0];
      f[i] = values.get(i)[1];
      m[i] = values.get(i)[2];
    }
    int k = spec.scores();
    // The three scores are independent: computed side by side (each is deterministic, so the result is too).
    int[][] scored = new int[3][];
    IntStream.range(0, 3).parallel().forEach(which -> {
      if (which == 0) {
        if (spec.method() == QuantileScores.Method.RANK) {
          double[] negated = new double[n];
          for (int i = 0; i < n; i++) {
            negated[i] = -r[i];
          }
          scored[0] = QuantileScores.scores(negated, k, spec.method());
        } else {
          int[] rs = QuantileScores.scores(r, k, spec.method());
          for (int i = 0; i < n; i++) {
            rs[i] = k + 1 - rs[i];
          }
          scored[0] = rs;
        }
      } else {
        scored[which] = QuantileScores.scores(which == 1 ? f : m, k, spec.method());
      }
    });
    int[] rs = scored[0];
    int[] fs = scored[1];
    int[] ms = scored[2];
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(new Row(ids.get(i), r[i], f[i], m[i], rs[i], fs[i], ms[i]));
    }
    return new Result(asOf, spec, rows);
  }

  /**
   * Computes the standard quintile scores, stores them as score traits with their "as of", and saves the eleven
   * named groups as built-in segments.
   */
  public static Result score(Audiences audiences, Scores scores, Instant asOf, Spec spec, Segments segments, Clock clock) {
    checkArgument(spec.scores() == 5, "stored RFM scores and named groups use quintiles, got %s scores", spec.scores());
    Result result = compute(audiences, asOf, spec);
    Map<String, List<Value>> values = new LinkedHashMap<>();
    for (Row row : result.rows()) {
      values.put(row.profileId(), List.of(Value.of(row.r()), Value.of(row.f()), Value.of(row.m()),
          Value.of("" + row.r() + row.f() + row.m()), Value.of(row.group())));
    }
    Map<String, String> parameters = Map.of("scores", String.valueOf(spec.scores()), "method", String.valueOf(spec.method()),
        "recency", String.valueOf(spec.recency()), "frequency", String.valueOf(spec.frequency()), "monetary", String.valueOf(spec.monetary()));
    scores.writeScores(new ScoreProvenance("rfm", parameters, null, asOf, clock.instant(), "segmenta rfm"), TRAITS, values);
    for (String group : RfmGroups.NAMES) {
      segments.save(RfmGroups.segmentName(group), "rfm_group = \"" + group + "\"", "built-in RFM group (segmenta rfm)");
    }
    return result;
  }
}
