package io.segmenta.core.port;

import java.time.Instant;

/**
 * A customer's purchases grouped by day (UTC), as customer-lifetime models take them: how many days with a
 * purchase, the first and last such day, the total value and the value bought after the first day (summed
 * directly, not as a difference, so that it keeps every cent).
 */
public record PurchaseDays(String profileId, int days, Instant firstDay, Instant lastDay, double totalValue, double repeatValue) {}
