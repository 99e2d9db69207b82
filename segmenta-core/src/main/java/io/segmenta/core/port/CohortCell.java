package io.segmenta.core.port;

/** One cell of a retention table: of the customers whose first purchase was in {@code cohort}, how many bought again {@code monthsSince} months later. */
public record CohortCell(String cohort, int monthsSince, long customers) {}
