package io.segmenta.core.personalize;

import io.segmenta.core.schema.Family;
import io.segmenta.core.schema.Schema;
import io.segmenta.core.schema.TraitDef;
import io.segmenta.core.schema.ValueType;
import io.segmenta.core.value.Value;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a decision request says about the visit, as Segment's page context carries it: the page, the referrer, the
 * campaign parameters, the device, and the lead magnet the visitor answered. Each becomes a trait of the
 * {@link Family#CONTEXT} family that decision rules can use ({@code channel = "email" and lead_magnet = "golf_guide"}).
 * Every field may be null.
 */
public record RequestContext(String page, String referrer, String utmSource, String utmMedium, String utmCampaign,
    String device, String leadMagnet) {

  public static final RequestContext NONE = new RequestContext(null, null, null, null, null, null, null);

  private static final Pattern PAID = Pattern.compile("cpc|ppc|paid.*|display|cpm|retargeting");
  private static final Pattern EMAIL = Pattern.compile("e-?mail|newsletter");
  private static final Pattern SOCIAL_MEDIUM = Pattern.compile("social|social-media|sm");
  private static final Pattern GENERIC_SECOND_LEVEL = Pattern.compile("co|com|net|org|gov|ac");
  private static final Set<String> SEARCH = Set.of("google", "bing", "duckduckgo", "yahoo", "ecosia", "yandex", "baidu", "startpage", "qwant");
  private static final Set<String> SOCIAL = Set.of("facebook", "instagram", "tiktok", "pinterest", "linkedin", "twitter", "x", "t",
      "youtube", "reddit", "snapchat", "threads");

  /** The decision schema: the store's schema plus the context traits, in which content rules are checked. */
  public static Schema extend(Schema schema) {
    Schema s = schema;
    for (TraitDef t : List.of(
        new TraitDef("page", ValueType.STRING, Family.CONTEXT, "path of the page being shown, e.g. /golf/clubs"),
        new TraitDef("referrer", ValueType.STRING, Family.CONTEXT, "host the visitor came from, e.g. www.google.com"),
        new TraitDef("traffic_source", ValueType.STRING, Family.CONTEXT, "utm_source, or the referrer's site name (google, facebook)"),
        new TraitDef("channel", ValueType.STRING, Family.CONTEXT, "search, social, email, paid, referral or direct"),
        new TraitDef("utm_medium", ValueType.STRING, Family.CONTEXT, "utm_medium of the landing URL"),
        new TraitDef("utm_campaign", ValueType.STRING, Family.CONTEXT, "utm_campaign of the landing URL"),
        new TraitDef("device", ValueType.STRING, Family.CONTEXT, "desktop, mobile or tablet"),
        new TraitDef("lead_magnet", ValueType.STRING, Family.CONTEXT, "the lead magnet (guide, quiz, offer) the visitor answered"),
        new TraitDef("intent", ValueType.STRING, Family.CONTEXT, "journey stage inferred from the session: inspiration, best_deal, doubts, unknown"),
        new TraitDef("top_interest", ValueType.STRING, Family.CONTEXT, "the category dominating the session's clicks, if any"),
        new TraitDef("session_interests", ValueType.STRING_LIST, Family.CONTEXT, "categories with a notable share of the session's clicks"),
        new TraitDef("known_visitor", ValueType.BOOLEAN, Family.CONTEXT, "whether the visitor is a known profile"))) {
      if (s.trait(t.name()).isEmpty()) {
        s = s.withTrait(t);
      }
    }
    return s;
  }

  /** The context traits of this request for a session with the given intent and interests. */
  public Map<String, Value> traits(Intent intent, Interests interests, boolean known) {
    Map<String, Value> t = new HashMap<>();
    put(t, "page", path(page));
    String ref = host(referrer);
    put(t, "referrer", ref);
    String source = utmSource != null ? utmSource.toLowerCase(Locale.ROOT) : siteName(ref);
    put(t, "traffic_source", source);
    put(t, "channel", channel(ref));
    put(t, "utm_medium", lower(utmMedium));
    put(t, "utm_campaign", utmCampaign);
    put(t, "device", lower(device));
    put(t, "lead_magnet", leadMagnet);
    put(t, "intent", intent.label());
    put(t, "top_interest", interests.top());
    List<String> listed = interests.listed();
    t.put("session_interests", new Value.ListValue(listed.stream().map(x -> (Value) new Value.Str(x)).toList()));
    t.put("known_visitor", known ? Value.Bool.TRUE : Value.Bool.FALSE);
    return t;
  }

  /** The marketing channel: campaign parameters first, then the referrer's kind of site. */
  String channel(String refHost) {
    String medium = lower(utmMedium);
    if (medium != null) {
      if (PAID.matcher(medium).matches()) {
        return "paid";
      } else if (EMAIL.matcher(medium).matches()) {
        return "email";
      } else if (SOCIAL_MEDIUM.matcher(medium).matches()) {
        return "social";
      } else if (medium.equals("organic")) {
        return "search";
      }
      return "referral";
    }
    String site = siteName(refHost);
    if (site == null) {
      return "direct";
    }
    return SEARCH.contains(site) ? "search" : SOCIAL.contains(site) ? "social" : "referral";
  }

  /** {@code www.google.co.uk} → {@code google}: the label before the public suffix, roughly (no suffix list). */
  static String siteName(String host) {
    if (host == null) {
      return null;
    }
    String[] parts = host.split("\\.");
    if (parts.length == 1) {
      return parts[0];
    }
    int i = parts.length - 2;
    // Second-level country domains such as co.uk, com.au: step over the generic label.
    if (i > 0 && GENERIC_SECOND_LEVEL.matcher(parts[i]).matches() && parts[parts.length - 1].length() == 2) {
      i--;
    }
    return parts[i];
  }

  static String host(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      String h = URI.create(url.trim().replace(" ", "%20")).getHost();
      return h == null ? null : h.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String path(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      String p = URI.create(url.trim().replace(" ", "%20")).getPath();
      return p == null || p.isEmpty() ? "/" : p;
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  private static String lower(String s) {
    return s == null || s.isBlank() ? null : s.toLowerCase(Locale.ROOT);
  }

  private static void put(Map<String, Value> t, String k, String v) {
    if (v != null && !v.isBlank()) {
      t.put(k, new Value.Str(v));
    }
  }
}
