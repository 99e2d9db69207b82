package io.segmenta.core.ingest.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/** The device and traffic source of a Segment message's context, as the synthetic shop and the docs classify them. */
final class Traffic {
  // Compiled once: these run for every tracked event.
  private static final Pattern PAID = Pattern.compile("cpc|ppc|paid.*|display|cpm");
  private static final Pattern SOCIAL_SOURCE = Pattern.compile("facebook|instagram|tiktok|linkedin|twitter|x|pinterest");
  private static final Pattern SEARCH_HOST = Pattern.compile(".*(google|bing|duckduckgo|yahoo|ecosia)\\..*");
  private static final Pattern SOCIAL_HOST = Pattern.compile(".*(facebook|instagram|t\\.co|twitter|linkedin|pinterest|tiktok)\\..*|t\\.co");

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
    if (PAID.matcher(m).matches()) {
      return "paid";
    }
    if (m.contains("social") || SOCIAL_SOURCE.matcher(s).matches()) {
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
    if (SEARCH_HOST.matcher(host).matches()) {
      return "organic";
    }
    if (SOCIAL_HOST.matcher(host).matches()) {
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
