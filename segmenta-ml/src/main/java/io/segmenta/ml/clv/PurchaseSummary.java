package io.segmenta.ml.clv;

import static io.segmenta.core.Preconditions.checkArgument;

/**
 * A customer as the "buy till you die" models see them, in one time unit (days here, weeks in the CDNOW papers):
 * {@code x} repeat purchases (purchase days after the first), {@code tx} the time from the first to the last
 * purchase, {@code T} the time from the first purchase to the end of the observation, and {@code mbar} the mean
 * value of the repeat purchases (0 when there are none).
 */
public record PurchaseSummary(String profileId, int x, double tx, double T, double mbar) {
  public PurchaseSummary {
    checkArgument(x >= 0, "repeat purchases must be >= 0, got %s", x);
    checkArgument(tx >= 0 && T >= tx, "need 0 <= tx <= T, got tx=%s T=%s", tx, T);
    checkArgument(x > 0 || tx == 0, "a customer without repeat purchases has tx = 0, got %s", tx);
    checkArgument(Double.isFinite(mbar), "mean repeat value must be finite, got %s", mbar);
  }
}
