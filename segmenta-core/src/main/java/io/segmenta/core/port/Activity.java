package io.segmenta.core.port;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * What customers did, read in bulk for models and retention reports: product interactions (recommendations),
 * purchase days (customer lifetime value) and cohorts.
 */
public interface Activity {

  /**
   * Interactions of known profiles with products in {@code [from, until)}, in no particular order: for {@code order_line},
   * the lines of orders (returns are not purchases); for any other event type, its events with a
   * {@code product_id}.
   */
  void interactions(String eventType, Instant from, Instant until, Consumer<Interaction> sink);

  /** Every customer's purchases of {@code eventType} up to {@code asOf}, grouped by day, valued by a property. */
  void purchaseDays(String eventType, String valueProperty, Instant asOf, Consumer<PurchaseDays> sink);

  /**
   * Retention by cohort: for customers grouped by the month of their first {@code eventType} up to {@code asOf},
   * how many were active (had such an event) in each month since; month 0 is the cohort's size.
   */
  List<CohortCell> cohorts(String eventType, Instant asOf);
}
