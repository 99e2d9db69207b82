package io.segmenta.core.experiment;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.UserException;
import io.segmenta.core.rule.Condition;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.RuleException;
import io.segmenta.core.rule.RuleText;
import io.segmenta.core.rule.Window;
import java.util.List;
import java.util.Objects;

/**
 * What an experiment measures per unit, over the unit's events in the experiment's window after its first
 * exposure. Written in the segment language:
 * <ul>
 *   <li>a <b>conversion</b> is a measure with a condition, {@code count(order where revenue > 0) >= 1}: each unit
 *       scores 1 when the condition holds, 0 otherwise (a proportion);</li>
 *   <li>a <b>mean</b> is an aggregate, {@code sum(order.revenue)}: each unit's value (0 with no events);</li>
 *   <li>a <b>ratio</b> is one aggregate over another, {@code sum(return.value) / sum(order.revenue)}: the ratio of
 *       the variant's totals, whose variance comes from the delta method (units are not independent draws of the
 *       ratio).</li>
 * </ul>
 * Only count and sum add up over a window, so they are the functions metrics use; windows come from the
 * experiment, not the measure. A <b>guardrail</b> is a metric that must not get worse (a return rate, say); its
 * direction says which way is worse.
 */
public record Metric(String name, Kind kind, Measure measure, Condition condition, boolean guardrail, boolean lowerIsBetter) {

  public enum Kind { CONVERSION, MEAN, RATIO }

  public Metric {
    checkArgument(name != null && name.matches("[A-Za-z_][A-Za-z0-9_\\-]*"), "metric name must be a word such as purchase, got '%s'", name);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(measure, "measure");
    checkArgument((kind == Kind.CONVERSION) == (condition != null), "a conversion metric needs a condition and other metrics none, got %s", kind);
  }

  /**
   * Parses {@code name = definition}, e.g. {@code purchase = count(order) >= 1}. Errors name the metric and say
   * what was expected.
   */
  public static Metric parse(String spec, boolean guardrail) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new UserException("a metric is written name = definition, as in purchase = count(order) >= 1; got '" + spec + "'");
    }
    String name = spec.substring(0, eq).trim();
    String text = spec.substring(eq + 1).trim();
    if (!name.matches("[A-Za-z_][A-Za-z0-9_\\-]*")) {
      throw new UserException("metric name must be a word such as purchase, got '" + name + "'");
    }
    try {
      Metric m = parseDefinition(name, text, guardrail);
      m.check();
      return m;
    } catch (RuleException e) {
      throw new UserException("metric '" + name + "': " + e.getMessage());
    }
  }

  private static Metric parseDefinition(String name, String text, boolean guardrail) {
    try {
      Rule r = RuleText.parseRule(text);
      if (r instanceof Rule.MeasureRule mr) {
        return new Metric(name, Kind.CONVERSION, mr.measure(), mr.condition(), guardrail, false);
      }
      throw new UserException("metric '" + name + "': a conversion compares a measure, as in count(order) >= 1; got '" + text + "'");
    } catch (RuleException asRule) {
      Measure m;
      try {
        m = RuleText.parseMeasure(text);
      } catch (RuleException asMeasure) {
        // Report the reading that got further: a measure's error when the text has no comparison at all.
        throw text.matches(".*(>|<|=|!=| in | is ).*") ? asRule : asMeasure;
      }
      Kind k = m instanceof Measure.Ratio ? Kind.RATIO : Kind.MEAN;
      // A guardrail on a ratio or mean of costs (returns, say) is worse when it goes up.
      return new Metric(name, k, m, null, guardrail, guardrail);
    }
  }

  /** The same metric with the opposite direction. */
  public Metric withLowerIsBetter(boolean lower) {
    return new Metric(name, kind, measure, condition, guardrail, lower);
  }

  /** Rejects what a per-exposure window cannot compute: functions other than count and sum, windows, differences. */
  public void check() {
    if (measure instanceof Measure.Difference) {
      throw new UserException("metric '" + name + "': a difference of aggregates is not a metric; use a ratio or one aggregate");
    }
    if (kind == Kind.CONVERSION && measure instanceof Measure.Ratio) {
      throw new UserException("metric '" + name + "': a conversion counts events, as in count(order) >= 1; a ratio is its own metric");
    }
    for (Measure.Aggregate a : aggregates()) {
      if (a.fn() != Measure.Fn.COUNT && a.fn() != Measure.Fn.SUM) {
        throw new UserException("metric '" + name + "': only count(...) and sum(...) add up over the window after exposure, got " + a.fn().label() + "(...)");
      }
      if (!(a.window() instanceof Window.AllTime)) {
        throw new UserException("metric '" + name + "': " + RuleText.print(a) + " has a window, but a metric reads the experiment's window after exposure; remove it");
      }
    }
  }

  /** The one or two aggregates the metric reads. */
  public List<Measure.Aggregate> aggregates() {
    if (measure instanceof Measure.Ratio r) {
      return List.of((Measure.Aggregate) r.numerator(), (Measure.Aggregate) r.denominator());
    }
    return List.of((Measure.Aggregate) measure);
  }

  /** The definition as it is written: {@code name = definition}. */
  public String text() {
    String def = RuleText.print(measure);
    if (condition != null) {
      def = RuleText.print(new Rule.MeasureRule(measure, condition));
    }
    return name + " = " + def;
  }
}
