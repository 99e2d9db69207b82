package io.segmenta.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Locale;

/** The device and traffic source of a Segment message's context, as the synthetic shop and the docs classify them. */
final class Traffic {
  private Traffic() {}

  static String deviceOf(JsonNode context) {
    String t = text(context.path("device"), "type", null);
    if (t != null) {
      String x = t.toLowerCase(Locale.ROOT);
      return x.contains("tablet") || x.contains("ipad") ? "tablet" : x.contains("mobile") || x.equals("ios") || x.equals("android") ? "mobile" : "desktop";
    }
    String ua = text(context, "userAgent", null);
    if (ua == null) {
      return null;
    }
    String u = ua.toLowerCase(Locale.ROOT);
    return u.contains("ipad") || u.contains("tablet") ? "tablet" : u.contains("mobi") || u.contains("android") || u.contains("iphone") ? "mobile" : "desktop";
  }

  /** direct, organic, paid, social, email or referral: the classification the synthetic shop and the docs use. */
  static String source(String medium, String source, String referrer) {
    String m = medium == null ? "" : medium.toLowerCase(Locale.ROOT);
    String s = source == null ? "" : source.toLowerCase(Locale.ROOT);
    if (m.equals("email") || s.equals("newsletter")) {
      return "email";
    }
    if (m.matches("cpc|ppc|paid.*|display|cpm")) {
      return "paid";
    }
    if (m.contains("social") || s.matches("facebook|instagram|tiktok|linkedin|twitter|x|pinterest")) {
      return "social";
    }
    if (referrer == null || referrer.isBlank()) {
      return medium == null && source == null ? "direct" : "referral";
    }
    String host;
    try {
      host = URI.create(referrer.trim()).getHost();
    } catch (IllegalArgumentException e) {
      host = null;
    }
    host = host == null ? "" : host.toLowerCase(Locale.ROOT);
    if (host.matches(".*(google|bing|duckduckgo|yahoo|ecosia)\\..*")) {
      return "organic";
    }
    if (host.matches(".*(facebook|instagram|t\\.co|twitter|linkedin|pinterest|tiktok)\\..*|t\\.co")) {
      return "social";
    }
    return "referral";
  }

  /** A scalar field's text, or {@code dflt} when absent, null, blank or not a scalar. */
  static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n == null ? null : n.get(field);
    return v != null && v.isValueNode() && !v.isNull() && !v.asText().isBlank() ? v.asText() : dflt;
  }
}
