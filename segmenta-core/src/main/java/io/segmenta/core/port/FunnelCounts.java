package io.segmenta.core.port;

/**
 * What {@link AudienceQuery.Funnel} counted, over the profiles it read (all, or a one-in-{@code modulus} sample):
 * {@code read} profiles; {@code afterStep[k]} of them meet steps 0..k; {@code reachable[p]} of those meeting every
 * step allow purpose p (in the order asked); {@code rowsScanned} is the engine's own count of table rows the query
 * read (-1 when it cannot say), {@code eventRowsScanned} those of the event tables alone, and {@code millis} how long the query took.
 */
public record FunnelCounts(long read, long[] afterStep, long[] reachable, long rowsScanned, long eventRowsScanned, long millis) {
  public FunnelCounts {
    afterStep = afterStep.clone();
    reachable = reachable.clone();
  }

  @Override
  public long[] afterStep() {
    return afterStep.clone();
  }

  @Override
  public long[] reachable() {
    return reachable.clone();
  }
}
