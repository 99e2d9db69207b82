package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.UserException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The CLI's instants are bounded like every other way in (1900 to 2199): a clear error, never an overflow later. */
class AsOfRangeTest {
  @Test
  void asOf_outsideTheRangeIsAClearError() {
    UserException e = assertThrows(UserException.class, () -> StoreOptions.asOf("+300000-01-01T00:00:00Z", null));
    assertTrue(e.getMessage().startsWith("--as-of must be between 1900-01-01T00:00:00Z and 2199-12-31T23:59:59Z"), e.getMessage());
    assertThrows(UserException.class, () -> StoreOptions.asOf("0001-01-01", null));
    assertEquals(Instant.parse("2025-06-30T23:59:59.999999Z"), StoreOptions.asOf("2025-06-30", null));
  }

  @Test
  void instant_outsideTheRangeNamesTheOption() {
    UserException e = assertThrows(UserException.class, () -> StoreOptions.instant("--from", "2200-01-01"));
    assertTrue(e.getMessage().startsWith("--from must be between"), e.getMessage());
    assertEquals(Instant.parse("2199-12-31T00:00:00Z"), StoreOptions.instant("--to", "2199-12-31"));
  }
}
