/**
 * Segment's HTTP Tracking API spec (identify, track, page, screen, group, alias, batch) translated into profiles,
 * events and consent: {@code SegmentSpec} (the entry point and the policy), {@code Messages} (one batch),
 * {@code Envelope} (times and ids), {@code Fields} (flattening and typing of properties and traits),
 * {@code Growth} (the schema a batch adds), {@code Traffic} (device and source from the context). A wire format:
 * only the server and the CLI use it.
 */
package io.segmenta.core.ingest.segment;
