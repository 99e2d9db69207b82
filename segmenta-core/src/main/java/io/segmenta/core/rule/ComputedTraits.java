package io.segmenta.core.rule;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The definitions of the computed traits: each is a measure over the profile's own events, so it is exact at
 * whatever "as of" a rule is evaluated, in SQL and in memory alike, and can never be stale. Their names and types
 * are declared in the standard schema (family COMPUTED); a test keeps the two in step.
 */
public final class ComputedTraits {
  private static final Map<String, Measure> DEFINITIONS;

  static {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("orders", "count(order)");
    text.put("gross_revenue", "sum(order.revenue)");
    text.put("returned_value", "sum(return.value)");
    text.put("net_revenue", "sum(order.revenue) - sum(return.value)");
    text.put("average_order_value", "sum(order.revenue) / count(order)");
    text.put("return_rate", "sum(return.value) / sum(order.revenue)");
    text.put("return_rate_items", "sum(return.items) / sum(order.items)");
    text.put("discount_share", "count(order where discount > 0) / count(order)");
    text.put("first_order_at", "first_time(order)");
    text.put("last_order_at", "last_time(order)");
    text.put("days_since_last_order", "days_since(order)");
    text.put("tenure_days", "days_since_first(order)");
    text.put("purchase_frequency", "count(order in last 365 days)");
    text.put("favourite_category", "mode(order_line.category)");
    text.put("acquisition_channel", "first_value(session.traffic_source)");
    text.put("last_session_at", "last_time(session)");
    text.put("days_since_last_session", "days_since(session)");
    text.put("cohort", "first_month(order)");
    Map<String, Measure> defs = new LinkedHashMap<>();
    text.forEach((name, measure) -> defs.put(name, ((Rule.MeasureRule) RuleText.parseRule(measure + " exists")).measure()));
    DEFINITIONS = Collections.unmodifiableMap(defs);
  }

  private ComputedTraits() {}

  public static Optional<Measure> definition(String trait) {
    return Optional.ofNullable(DEFINITIONS.get(trait));
  }

  public static Map<String, Measure> all() {
    return DEFINITIONS;
  }
}
