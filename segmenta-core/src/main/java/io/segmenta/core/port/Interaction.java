package io.segmenta.core.port;

import java.time.Instant;

/**
 * A profile's interaction with a product (a purchased order line, a product view, a cart add): what recommenders
 * learn from. {@code category} is null when unknown; {@code price} is NaN when unknown.
 */
public record Interaction(String profileId, String productId, String category, double price, double quantity, Instant at) {}
