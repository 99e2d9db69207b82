package io.segmenta.core.journey.json;

import io.segmenta.core.journey.Journey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in journeys for the three flows the articles name: right after a purchase with related products,
 * re-engaging lapsed customers, loyalty offers for the most valuable. Each is a JSON file beside this class, read
 * like any journey, and the segments they need (the demo shop's, see {@code segmenta demo}) with their rules, saved
 * by {@code segmenta journey templates --install} when missing.
 */
public final class JourneyTemplates {
  public static final List<String> KEYS = List.of("post_purchase", "lapsed_reengagement", "loyalty_most_valuable");

  /** The segments the templates name, with the rule each is saved with when the store has none of that name. */
  public static final Map<String, String> SEGMENTS = new LinkedHashMap<>();

  static {
    SEGMENTS.put("recent-repeat-buyers", "count(order in last 90 days) >= 2");
    SEGMENTS.put("lapsed-customers", "days_since(order) > 180 and not segment \"recent-repeat-buyers\"");
    SEGMENTS.put("most-valuable", "net_revenue >= 1500 and orders >= 4");
  }

  private JourneyTemplates() {}

  /** The template's JSON text. */
  public static Optional<String> text(String key) {
    if (!KEYS.contains(key)) {
      return Optional.empty();
    }
    try (InputStream in = JourneyTemplates.class.getResourceAsStream("templates/" + key + ".json")) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Journey journey(String key) {
    return JourneyJson.parse(text(key).orElseThrow(() -> new IllegalArgumentException("no built-in journey '" + key + "'; known: " + KEYS)));
  }
}
