package io.segmenta.core.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.core.ingest.Coerce;
import io.segmenta.core.schema.ValueType;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The one accepted range of instants, and every way in that checks it. */
class InstantsTest {
  @Test
  void accepts_halfOpenRange() {
    assertTrue(Instants.accepts(Instant.parse("1900-01-01T00:00:00Z")));
    assertFalse(Instants.accepts(Instant.parse("1899-12-31T23:59:59.999999Z")));
    assertTrue(Instants.accepts(Instant.parse("2199-12-31T23:59:59.999999Z")));
    assertFalse(Instants.accepts(Instant.parse("2200-01-01T00:00:00Z")));
    assertTrue(Instants.accepts(LocalDate.of(2199, 12, 31)));
    assertFalse(Instants.accepts(LocalDate.of(1899, 12, 31)));
  }

  @Test
  void parse_dateOnlyOffsetsAndTheYear300000() {
    assertEquals(Instant.parse("2025-06-01T00:00:00Z"), Instants.parse("2025-06-01"));
    assertEquals(Instant.parse("2025-06-01T12:00:00Z"), Instants.parse("2025-06-01T14:00:00+02:00"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Instants.parse("+300000-01-01T00:00:00Z"));
    assertTrue(e.getMessage().startsWith("expected an instant between 1900-01-01T00:00:00Z and 2199-12-31T23:59:59Z"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Instants.parse("+999999999-12-31T23:59:59-18:00"));
    assertTrue(e.getMessage().contains("expected"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Instants.parse("yesterday"));
  }

  @Test
  void coerce_importedInstantsAndDatesOutsideTheRangeAreRefused() {
    Coerce c = Coerce.standard();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.to(ValueType.TIMESTAMP, Value.of("+300000-01-01T00:00:00Z")));
    assertTrue(e.getMessage().contains("expected an instant between"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.to(ValueType.TIMESTAMP, Value.of("0001-01-01 00:00:00")));
    assertThrows(IllegalArgumentException.class, () -> c.to(ValueType.DATE, Value.of("9999-12-31")));
    assertThrows(IllegalArgumentException.class, () -> c.to(ValueType.NUMBER, Value.of(Double.POSITIVE_INFINITY)));
    assertEquals(Value.of(Instant.parse("2024-01-31T12:00:00Z")), c.to(ValueType.TIMESTAMP, Value.of("2024-01-31 12:00:00")));
  }

  @Test
  void plusSaturated_neverThrows() {
    assertEquals(Instant.MAX, Instants.plusSaturated(Instant.MAX.minusSeconds(1), Long.MAX_VALUE));
    assertEquals(Instant.MIN, Instants.plusSaturated(Instant.MIN.plusSeconds(1), Long.MIN_VALUE));
  }
}
