package io.segmenta.core.personalize;

import static io.segmenta.core.Preconditions.checkArgument;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One step of a visitor's session: what kind of page it was, and the product and category it was about when it was
 * about one. No personal data: a click is known by the session it belongs to, not by who made it.
 *
 * @param category the product category, or null
 * @param productId the product, or null
 */
public record Click(Instant at, Kind kind, String category, String productId) {

  public Click {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    category = blankToNull(category);
    productId = blankToNull(productId);
  }

  /** What a page is for, as far as intent is concerned. */
  public enum Kind {
    PAGE, CATEGORY, PRODUCT, SEARCH, CART, CHECKOUT,
    /** Sales, offers, outlet, sorting by price. */
    DEALS,
    /** A product comparison. */
    COMPARE,
    /** Returns, shipping and delivery, reviews, size guides, FAQ: the pages people read when they have doubts. */
    REASSURANCE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.label().equalsIgnoreCase(s)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown click kind '" + s + "', expected one of page, category, product, search, cart, checkout, deals, compare, reassurance");
    }

    /**
     * The kind of a page from its URL, for clients that send only the URL. Words are matched on path segments
     * and the query, in English and the Nordic languages the shops we serve write their URLs in (tilbud, rea,
     * ale, retur, frakt, levering, toimitus, ...). Anything unrecognised is a plain page.
     */
    public static Kind fromUrl(String url) {
      if (url == null || url.isBlank()) {
        return PAGE;
      }
      String path;
      String query;
      try {
        URI u = URI.create(url.trim().replace(" ", "%20"));
        path = u.getPath() == null ? "" : u.getPath().toLowerCase(Locale.ROOT);
        query = u.getQuery() == null ? "" : u.getQuery().toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        path = url.toLowerCase(Locale.ROOT);
        query = "";
      }
      if (query.contains("sort=price") || query.contains("sort=cheapest") || query.contains("on_sale")) {
        return DEALS;
      }
      for (String part : path.split("[/._-]+")) {
        switch (part) {
          case "sale", "sales", "deal", "deals", "offer", "offers", "outlet", "clearance", "discount", "discounts", "tilbud", "rea",
              "ale", "udsalg", "salg", "kampanj", "kampanje", "kampagne", "alennus", "black" -> {
            return DEALS;
          }
          case "compare", "comparison", "sammenlign", "jamfor", "jämför", "vertaa" -> {
            return COMPARE;
          }
          case "returns", "return", "refund", "shipping", "delivery", "faq", "reviews", "review", "warranty", "size", "sizeguide",
              "retur", "returnering", "frakt", "fragt", "levering", "leverans", "toimitus", "palautus", "garanti", "storrelse",
              "storlek", "anmeldelser", "recensioner" -> {
            return REASSURANCE;
          }
          case "cart", "basket", "kurv", "varukorg", "handlekurv", "ostoskori" -> {
            return CART;
          }
          case "checkout", "kassa", "kasse" -> {
            return CHECKOUT;
          }
          case "search", "sok", "søk", "sog", "søg", "haku" -> {
            return SEARCH;
          }
          default -> {
          }
        }
      }
      if (query.contains("q=") || query.contains("query=")) {
        return SEARCH;
      }
      return PAGE;
    }
  }

  /** A click from the fields a client sends; the kind, when not given, is read from the URL. */
  public static Click of(Instant at, String kind, String url, String category, String productId) {
    Kind k = kind != null && !kind.isBlank() ? Kind.parse(kind) : Kind.fromUrl(url);
    if (k == Kind.PAGE && productId != null && !productId.isBlank()) {
      k = Kind.PRODUCT;
    } else if (k == Kind.PAGE && category != null && !category.isBlank()) {
      k = Kind.CATEGORY;
    }
    return new Click(at, k, category, productId);
  }

  private static String blankToNull(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    checkArgument(s.length() <= 200, "click field is too long (%s characters, at most 200)", s.length());
    return s;
  }
}
