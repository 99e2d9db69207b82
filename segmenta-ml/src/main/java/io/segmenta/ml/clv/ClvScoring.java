package io.segmenta.ml.clv;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.port.Activity;
import io.segmenta.core.port.ScoreProvenance;
import io.segmenta.core.port.Scores;
import io.segmenta.core.value.Value;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Predicted customer lifetime value for a whole store: summarises every customer's purchase days up to "as of",
 * fits BG/NBD and Gamma-Gamma, and stores per customer the probability of being alive, churn risk, expected
 * purchases in a horizon and expected value, as score traits usable in rules. Nothing is stored when the data
 * is too thin to trust; the result says why.
 */
public final class ClvScoring {
  public static final List<String> TRAITS = List.of("clv_p_alive", "clv_churn_risk", "clv_expected_purchases", "clv_expected_value");

  /**
   * @param eventType the purchases (default {@code order})
   * @param valueProperty their value (default {@code revenue})
   * @param unitDays the model's time unit in days (1: days; 7: weeks, as in the CDNOW papers)
   * @param horizonDays the horizon of expected purchases and value
   */
  public record Options(String eventType, String valueProperty, double unitDays, double horizonDays) {
    public Options {
      checkArgument(unitDays > 0, "time unit must be positive, got %s days", unitDays);
      checkArgument(horizonDays > 0, "horizon must be positive, got %s days", horizonDays);
    }

    public static Options standard() {
      return new Options("order", "revenue", 1, 365);
    }
  }

  /** The fits and how many customers were scored (0 when the purchase model could not be fitted). */
  public record Result(Instant asOf, ModelFit<BgNbd> purchases, ModelFit<GammaGamma> spend, int scored) {}

  private ClvScoring() {}

  /** Every customer with a purchase up to {@code asOf}, summarised for the models in the unit of {@code o}. */
  public static List<PurchaseSummary> summaries(Activity activity, Instant asOf, Options o) {
    List<PurchaseSummary> out = new ArrayList<>();
    double unitMillis = o.unitDays() * 86_400_000.0;
    activity.purchaseDays(o.eventType(), o.valueProperty(), asOf, d -> {
      int x = d.days() - 1;
      double tx = Duration.between(d.firstDay(), d.lastDay()).toMillis() / unitMillis;
      double t = Math.max(tx, Duration.between(d.firstDay(), asOf).toMillis() / unitMillis);
      double mbar = x > 0 ? d.repeatValue() / x : 0;
      out.add(new PurchaseSummary(d.profileId(), x, tx, t, mbar));
    });
    return out;
  }

  public static Result score(Activity activity, Scores scores, Instant asOf, Options o, Clock clock) {
    List<PurchaseSummary> customers = summaries(activity, asOf, o);
    ModelFit<BgNbd> purchases = BgNbd.fit(customers);
    ModelFit<GammaGamma> spend = GammaGamma.fit(customers);
    if (purchases.fitted().isEmpty()) {
      return new Result(asOf, purchases, spend, 0);
    }
    BgNbd bg = purchases.model();
    GammaGamma gg = spend.model();
    double horizon = o.horizonDays() / o.unitDays();
    Map<String, List<Value>> values = new LinkedHashMap<>();
    for (PurchaseSummary c : customers) {
      double alive = bg.probabilityAlive(c.x(), c.tx(), c.T());
      double expected = bg.expectedPurchases(horizon, c.x(), c.tx(), c.T());
      Value value = gg == null ? Value.NULL : Value.of(expected * gg.expectedAverageSpend(c.x(), c.mbar()));
      values.put(c.profileId(), List.of(Value.of(alive), Value.of(1 - alive), Value.of(expected), value));
    }
    Map<String, String> parameters = Map.of("event_type", o.eventType(), "value_property", o.valueProperty(),
        "unit_days", String.valueOf(o.unitDays()), "horizon_days", String.valueOf(o.horizonDays()));
    scores.writeScores(new ScoreProvenance("clv", parameters, null, asOf, clock.instant(), "segmenta clv"), TRAITS, values);
    return new Result(asOf, purchases, spend, values.size());
  }
}
