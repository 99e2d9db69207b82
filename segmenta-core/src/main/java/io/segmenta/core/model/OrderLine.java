package io.segmenta.core.model;

import static io.segmenta.core.Preconditions.checkArgument;

/** A line of an order: what was bought, how many, at what unit price and with what discount on the line. */
public record OrderLine(String productId, String productName, String category, double quantity, double unitPrice,
    double discount) {
  public OrderLine {
    checkArgument(productId != null && !productId.isBlank(), "order line needs a product id, got '%s'", productId);
    checkArgument(Double.isFinite(quantity), "quantity must be finite, got %s", quantity);
    checkArgument(Double.isFinite(unitPrice), "unit price must be finite, got %s", unitPrice);
    checkArgument(Double.isFinite(discount) && discount >= 0, "line discount must be finite and >= 0, got %s", discount);
  }

  public double total() {
    return quantity * unitPrice - discount;
  }
}
