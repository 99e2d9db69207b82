/**
 * The typed value of the domain: {@code Value} (null, boolean, number, string, date, timestamp, list, object),
 * numbers and the one range of instants accepted from outside. Part of the domain: JDK only; its JSON form lives
 * in {@code core.value.json}.
 */
package io.segmenta.core.value;
