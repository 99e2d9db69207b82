package io.segmenta.testkit;

import static io.segmenta.core.Preconditions.checkArgument;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.value.Value;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A deterministic synthetic web shop: customers with traits in all five families, and two years of orders with
 * lines, discounts, returns, sessions and page views with traffic sources and devices, product views, carts,
 * e-mails and survey answers.
 *
 * <p>Why synthetic: tests need ground truth that real data cannot give. The structure the segmentation articles
 * describe is planted (shared/seeds 001 and 002): life stages (students, full-time workers, pensioners, ...),
 * tastes (eco-conscious, tech, travel, fitness, luxury, budget, families) that show in both traits and behaviour,
 * and a "returner" group of about 10 % of customers who buy much and send more than 85 % of it back. Each customer
 * is generated from its own random stream ({@code seed} mixed with its index), so any slice of a shop is the same
 * whatever the batch size, and shops of different sizes share their first customers.
 */
public final class ShopGenerator {

  /** The planted behaviour of a customer, known to tests and never stored in the shop. */
  public enum Persona {
    STUDENT, FULL_TIME, PART_TIME, PENSIONER, SELF_EMPLOYED, FAMILY, ECO, TECH, TRAVELLER, FITNESS, LUXURY, BUDGET, RETURNER
  }

  /** The ground truth of one customer. */
  public record Truth(String profileId, Set<Persona> personas) {}

  private static final String[] FIRST_NAMES = {"Anna", "Mette", "Sofie", "Ida", "Emma", "Lars", "Jens", "Mikkel", "Ole",
      "Freja", "Nora", "Ingrid", "Henrik", "Bjørn", "Søren", "Astrid", "Karin", "Johan", "Lotte", "Niels"};
  private static final String[] CITIES = {"København", "Aarhus", "Odense", "Aalborg", "Oslo", "Bergen", "Trondheim",
      "Stockholm", "Göteborg", "Malmö", "Amsterdam", "Utrecht", "Helsinki"};
  private static final String[] COUNTRIES = {"DK", "DK", "DK", "DK", "NO", "NO", "NO", "SE", "SE", "SE", "NL", "NL", "FI"};
  private static final String[] REGIONS = {"Hovedstaden", "Midtjylland", "Syddanmark", "Nordjylland", "Oslo", "Vestland",
      "Trøndelag", "Stockholm", "Västra Götaland", "Skåne", "Noord-Holland", "Utrecht", "Uusimaa"};
  private static final String[] BASE_CATEGORIES = {"clothing", "home", "beauty", "books", "garden", "kitchen"};
  private static final String[] SOURCES = {"direct", "organic", "paid", "social", "email", "referral"};
  private static final String[] UTM_SOURCES = {"", "google", "google", "facebook", "newsletter", "blog"};
  private static final String[] QUESTIONS = {"what_matters_most", "how_did_you_hear", "shopping_style"};

  private final long seed;
  private final Instant asOf;
  private final int historyDays;

  /**
   * @param seed the seed: the same seed gives the same shop
   * @param asOf the end of the shop's history (no event is later)
   * @param historyDays how far back the history goes
   */
  public ShopGenerator(long seed, Instant asOf, int historyDays) {
    checkArgument(historyDays >= 30 && historyDays <= 3650, "history must be 30 to 3650 days, got %s", historyDays);
    this.seed = seed;
    this.asOf = asOf;
    this.historyDays = historyDays;
  }

  /** The default demo shop: seed 42, history of two years ending 2025-06-30. */
  public static ShopGenerator standard() {
    return new ShopGenerator(42, Instant.parse("2025-06-30T23:00:00Z"), 730);
  }

  public Instant asOf() {
    return asOf;
  }

  public static String profileId(int index) {
    return String.format("c%07d", index);
  }

  /**
   * Generates customers {@code [from, to)} and hands them over in batches of about {@code batchSize} customers.
   * Returns the ground truth of each.
   */
  public List<Truth> generate(int from, int to, int batchSize, Consumer<Batch> sink) {
    checkArgument(from >= 0 && to >= from, "customer range must be 0 <= from <= to, got %s..%s", from, to);
    checkArgument(batchSize >= 1, "batch size must be positive, got %s", batchSize);
    List<Truth> truth = new ArrayList<>(to - from);
    List<Profile> profiles = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Customer c = customer(i);
      truth.add(new Truth(c.profile.id(), c.personas));
      profiles.add(c.profile);
      events.addAll(c.events);
      if (profiles.size() >= batchSize) {
        sink.accept(new Batch(profiles, events));
        profiles = new ArrayList<>();
        events = new ArrayList<>();
      }
    }
    if (!profiles.isEmpty()) {
      sink.accept(new Batch(profiles, events));
    }
    return truth;
  }

  private record Customer(Profile profile, List<Event> events, Set<Persona> personas) {}

  private Customer customer(int index) {
    SplittableRandom r = new SplittableRandom(mix(seed, index));
    String id = profileId(index);
    Set<Persona> personas = EnumSet.noneOf(Persona.class);
    Map<String, Value> t = new LinkedHashMap<>();

    // Life stage.
    double u = r.nextDouble();
    Persona stage = u < 0.12 ? Persona.STUDENT : u < 0.55 ? Persona.FULL_TIME : u < 0.65 ? Persona.PART_TIME
        : u < 0.80 ? Persona.PENSIONER : Persona.SELF_EMPLOYED;
    personas.add(stage);
    int age = switch (stage) {
      case STUDENT -> 19 + r.nextInt(7);
      case PENSIONER -> 67 + r.nextInt(19);
      default -> 28 + r.nextInt(37);
    };
    double income = switch (stage) {
      case STUDENT -> 8_000 + r.nextInt(14_000);
      case PENSIONER -> 20_000 + r.nextInt(30_000);
      case PART_TIME -> 22_000 + r.nextInt(25_000);
      default -> 35_000 + r.nextInt(60_000);
    };
    // Tastes, at most one, plus families independently of taste.
    double v = r.nextDouble();
    Persona taste = v < 0.10 ? Persona.ECO : v < 0.20 ? Persona.TECH : v < 0.28 ? Persona.TRAVELLER : v < 0.37 ? Persona.FITNESS
        : v < 0.44 ? Persona.LUXURY : v < 0.56 ? Persona.BUDGET : null;
    if (taste == Persona.LUXURY && (stage == Persona.STUDENT || stage == Persona.PART_TIME)) {
      taste = null; // luxury buyers are well off
    }
    if (taste != null) {
      personas.add(taste);
    }
    if (taste == Persona.LUXURY) {
      income = 90_000 + r.nextInt(110_000);
    }
    boolean family = stage != Persona.STUDENT && stage != Persona.PENSIONER && r.nextDouble() < 0.35;
    if (family) {
      personas.add(Persona.FAMILY);
    }
    boolean returner = r.nextDouble() < 0.10;
    if (returner) {
      personas.add(Persona.RETURNER);
    }

    String first = FIRST_NAMES[r.nextInt(FIRST_NAMES.length)];
    int place = r.nextInt(CITIES.length);
    t.put("first_name", Value.of(first));
    t.put("age", Value.of(age));
    t.put("birth_date", Value.of(LocalDate.ofInstant(asOf, ZoneOffset.UTC).minusYears(age).minusDays(r.nextInt(365))));
    t.put("gender", Value.of(r.nextDouble() < 0.52 ? "female" : r.nextDouble() < 0.96 ? "male" : "other"));
    t.put("income", Value.of(Math.round(income / 100.0) * 100.0));
    t.put("education", Value.of(stage == Persona.STUDENT ? "upper_secondary" : pick(r, "primary", "upper_secondary", "vocational", "bachelor", "master")));
    t.put("marital_status", Value.of(family ? "married" : stage == Persona.STUDENT ? "single" : pick(r, "single", "married", "cohabiting", "divorced", "widowed")));
    t.put("occupation", Value.of(switch (stage) {
      case STUDENT -> "student";
      case PENSIONER -> "retired";
      case PART_TIME -> "part_time";
      case SELF_EMPLOYED -> "self_employed";
      default -> "full_time";
    }));
    t.put("household_size", Value.of(family ? 3 + r.nextInt(4) : 1 + r.nextInt(2)));
    t.put("has_children", Value.of(family));
    t.put("city", Value.of(CITIES[place]));
    t.put("region", Value.of(REGIONS[place]));
    t.put("country", Value.of(COUNTRIES[place]));
    t.put("postal_code", Value.of(String.format("%04d", 1000 + r.nextInt(9000))));
    List<String> interests = new ArrayList<>();
    List<String> values = new ArrayList<>();
    if (taste == Persona.TECH) {
      interests.add("technology");
    }
    if (taste == Persona.TRAVELLER) {
      interests.add("travel");
    }
    if (taste == Persona.FITNESS) {
      interests.add("fitness");
    }
    if (taste == Persona.ECO) {
      values.add("sustainability");
    }
    if (taste == Persona.BUDGET) {
      values.add("value_for_money");
    }
    if (taste == Persona.LUXURY) {
      values.add("quality");
    }
    interests.add(pick(r, "cooking", "reading", "music", "gardening", "film", "fashion"));
    values.add(pick(r, "family", "security", "freedom", "community"));
    t.put("interests", Value.ofStrings(interests));
    t.put("values", Value.ofStrings(values));
    t.put("lifestyle", Value.of(taste == Persona.FITNESS ? "active" : stage == Persona.STUDENT ? "urban" : pick(r, "urban", "suburban", "rural", "active", "homebody")));
    t.put("attitudes", Value.ofStrings(List.of(taste == Persona.BUDGET ? "price_sensitive" : taste == Persona.ECO ? "eco_minded" : pick(r, "brand_loyal", "curious", "cautious"))));
    boolean mobileFirst = stage == Persona.STUDENT || r.nextDouble() < 0.4;
    List<String> devices = new ArrayList<>(List.of(mobileFirst ? "mobile" : "desktop"));
    if (taste == Persona.TECH) {
      devices.add(mobileFirst ? "desktop" : "mobile");
      devices.add("tablet");
    } else if (r.nextDouble() < 0.3) {
      devices.add(mobileFirst ? "desktop" : "mobile");
    }
    t.put("devices", Value.ofStrings(devices));
    t.put("os", Value.of(mobileFirst ? pick(r, "ios", "android") : pick(r, "windows", "macos", "linux")));
    t.put("browser", Value.of(pick(r, "chrome", "safari", "firefox", "edge")));
    t.put("apps", Value.ofStrings(r.nextDouble() < 0.3 ? List.of("shop_app") : List.of()));

    Instant signup = asOf.minus(Duration.ofDays(r.nextInt(historyDays))).minusSeconds(r.nextInt(86_400));
    t.put("signup_date", Value.of(signup));
    Profile profile = new Profile(id, List.of(Identifier.email(id + "@example.com")), t);
    List<Event> events = behaviour(r, id, signup, stage, taste, family, returner, mobileFirst);
    return new Customer(profile, events, personas);
  }

  private List<Event> behaviour(SplittableRandom r, String id, Instant signup, Persona stage, Persona taste,
      boolean family, boolean returner, boolean mobileFirst) {
    List<Event> out = new ArrayList<>();
    int[] n = {0};
    long spanSeconds = Duration.between(signup, asOf).getSeconds();
    // A third of customers lapse: their activity stops well before the end of the history.
    boolean lapsed = r.nextDouble() < 0.33 && spanSeconds > 200L * 86_400;
    long activeSeconds = lapsed ? (long) (spanSeconds * (0.2 + 0.5 * r.nextDouble())) : spanSeconds;
    int orders = returner ? 4 + r.nextInt(6) : taste == Persona.LUXURY ? 2 + r.nextInt(4) : stage == Persona.STUDENT ? r.nextInt(3) : r.nextInt(5);
    int sessions = 3 + r.nextInt(stage == Persona.STUDENT ? 10 : 7);
    String device = mobileFirst ? "mobile" : "desktop";
    for (int s = 0; s < sessions; s++) {
      Instant at = at(r, signup, activeSeconds);
      int src = r.nextInt(SOURCES.length);
      String sessionId = id + "-s" + s;
      Map<String, Value> sp = new LinkedHashMap<>();
      sp.put("session_id", Value.of(sessionId));
      sp.put("duration_seconds", Value.of(30 + r.nextInt(1200)));
      sp.put("traffic_source", Value.of(SOURCES[src]));
      sp.put("device", Value.of(r.nextDouble() < 0.8 ? device : "tablet"));
      if (!UTM_SOURCES[src].isEmpty()) {
        sp.put("utm_source", Value.of(UTM_SOURCES[src]));
        sp.put("utm_medium", Value.of(SOURCES[src].equals("paid") ? "cpc" : SOURCES[src]));
      }
      out.add(event(id, n, "session", at, sp));
      Map<String, Value> pv = new LinkedHashMap<>();
      pv.put("url", Value.of("https://shop.example/" + pick(r, "", "new", "sale", "category", "help/returns", "help/shipping")));
      pv.put("session_id", Value.of(sessionId));
      pv.put("traffic_source", Value.of(SOURCES[src]));
      pv.put("device", sp.get("device"));
      if (sp.containsKey("utm_source")) {
        pv.put("utm_source", sp.get("utm_source"));
        pv.put("utm_medium", sp.get("utm_medium"));
      }
      out.add(event(id, n, "page_view", at.plusSeconds(5), pv));
      int views = taste == Persona.TECH ? 2 : r.nextInt(2);
      for (int k = 0; k < views; k++) {
        String cat = category(r, taste, family);
        Map<String, Value> p = new LinkedHashMap<>();
        p.put("product_id", Value.of(cat.substring(0, 3) + "-" + r.nextInt(200)));
        p.put("category", Value.of(cat));
        p.put("price", Value.of(price(r, taste)));
        p.put("session_id", Value.of(sessionId));
        out.add(event(id, n, "product_view", at.plusSeconds(30 + k * 20L), p));
      }
      if (r.nextDouble() < 0.15) {
        String cat = category(r, taste, family);
        Map<String, Value> p = new LinkedHashMap<>();
        p.put("product_id", Value.of(cat.substring(0, 3) + "-" + r.nextInt(200)));
        p.put("category", Value.of(cat));
        p.put("price", Value.of(price(r, taste)));
        p.put("quantity", Value.of(1));
        p.put("session_id", Value.of(sessionId));
        out.add(event(id, n, "add_to_cart", at.plusSeconds(200), p));
      }
    }
    for (int o = 0; o < orders; o++) {
      Instant at = at(r, signup, activeSeconds);
      int lines = 1 + r.nextInt(returner ? 4 : 3);
      List<OrderLine> ol = new ArrayList<>();
      double revenue = 0;
      double discount = 0;
      double items = 0;
      boolean discounted = taste == Persona.BUDGET ? r.nextDouble() < 0.85 : r.nextDouble() < 0.15;
      for (int k = 0; k < lines; k++) {
        String cat = category(r, taste, family);
        double p = price(r, taste) * (returner ? 2 : 1);
        int q = 1 + (r.nextDouble() < 0.2 ? 1 : 0);
        double d = discounted ? Math.round(p * q * (0.1 + 0.2 * r.nextDouble()) * 4) / 4.0 : 0;
        ol.add(new OrderLine(cat.substring(0, 3) + "-" + r.nextInt(200), cat + " item", cat, q, p, d));
        revenue += p * q - d;
        discount += d;
        items += q;
      }
      String orderId = id + "-o" + o;
      Map<String, Value> p = new LinkedHashMap<>();
      p.put("order_id", Value.of(orderId));
      p.put("revenue", Value.of(revenue));
      p.put("discount", Value.of(discount));
      p.put("currency", Value.of("EUR"));
      p.put("items", Value.of(items));
      if (discounted && taste == Persona.BUDGET) {
        p.put("coupon", Value.of("SAVE" + (10 + r.nextInt(3) * 5)));
      }
      out.add(new Event(id + "-e" + n[0]++, id, null, "order", at, p, ol));
      double returnShare = returner ? 0.86 + 0.14 * r.nextDouble() : r.nextDouble() < 0.12 ? 0.3 + 0.7 * r.nextDouble() : 0;
      if (returnShare > 0) {
        Instant back = at.plus(Duration.ofDays(3 + r.nextInt(20)));
        if (back.isBefore(asOf)) {
          Map<String, Value> rp = new LinkedHashMap<>();
          rp.put("order_id", Value.of(orderId));
          rp.put("value", Value.of(Math.round(revenue * returnShare * 4) / 4.0));
          rp.put("items", Value.of(Math.max(1, Math.round(items * returnShare))));
          rp.put("reason", Value.of(pick(r, "size", "changed_mind", "damaged", "not_as_described")));
          rp.put("currency", Value.of("EUR"));
          out.add(event(id, n, "return", back, rp));
        }
      }
      Map<String, Value> mail = new LinkedHashMap<>();
      mail.put("campaign", Value.of("post_purchase"));
      out.add(event(id, n, "email_sent", at.plus(Duration.ofDays(1)).isBefore(asOf) ? at.plus(Duration.ofDays(1)) : at, mail));
    }
    int newsletters = r.nextInt(4);
    for (int k = 0; k < newsletters; k++) {
      Instant at = at(r, signup, spanSeconds);
      Map<String, Value> mail = new LinkedHashMap<>();
      mail.put("campaign", Value.of("newsletter_" + (k + 1)));
      out.add(event(id, n, "email_sent", at, mail));
      if (r.nextDouble() < 0.4) {
        out.add(event(id, n, "email_opened", at.plusSeconds(3600).isBefore(asOf) ? at.plusSeconds(3600) : at, mail));
      }
    }
    if (r.nextDouble() < 0.15) {
      Map<String, Value> p = new LinkedHashMap<>();
      p.put("question", Value.of(QUESTIONS[r.nextInt(QUESTIONS.length)]));
      p.put("answer", Value.of(taste == Persona.ECO ? "sustainability" : taste == Persona.BUDGET ? "price" : pick(r, "quality", "price", "speed", "service")));
      out.add(event(id, n, "survey_answer", at(r, signup, spanSeconds), p));
    }
    return out;
  }

  private static Event event(String id, int[] n, String type, Instant at, Map<String, Value> props) {
    return new Event(id + "-e" + n[0]++, id, null, type, at, props, List.of());
  }

  private Instant at(SplittableRandom r, Instant from, long spanSeconds) {
    Instant t = from.plusSeconds(spanSeconds <= 0 ? 0 : r.nextLong(spanSeconds));
    return t.isAfter(asOf) ? asOf : t;
  }

  private static String category(SplittableRandom r, Persona taste, boolean family) {
    double u = r.nextDouble();
    if (family && u < 0.35) {
      return "kids";
    }
    if (taste != null && u < 0.75) {
      switch (taste) {
        case ECO:
          return "eco";
        case TECH:
          return "electronics";
        case TRAVELLER:
          return "travel";
        case FITNESS:
          return "sports";
        case LUXURY:
          return "luxury";
        default:
          break;
      }
    }
    return BASE_CATEGORIES[r.nextInt(BASE_CATEGORIES.length)];
  }

  private static double price(SplittableRandom r, Persona taste) {
    double base = taste == Persona.LUXURY ? 180 + r.nextInt(400) : taste == Persona.BUDGET ? 5 + r.nextInt(30) : 10 + r.nextInt(90);
    return base + (r.nextInt(4) * 0.25);
  }

  private static String pick(SplittableRandom r, String... options) {
    return options[r.nextInt(options.length)];
  }

  /** SplitMix64's finaliser over seed and index: independent streams per customer. */
  private static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
