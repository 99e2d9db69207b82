package io.segmenta.testkit;

import io.segmenta.core.model.Event;
import io.segmenta.core.model.Identifier;
import io.segmenta.core.model.OrderLine;
import io.segmenta.core.model.Profile;
import io.segmenta.core.port.Batch;
import io.segmenta.core.rule.Condition;
import io.segmenta.core.rule.Measure;
import io.segmenta.core.rule.Op;
import io.segmenta.core.rule.Rule;
import io.segmenta.core.rule.Window;
import io.segmenta.core.value.Value;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random profiles, events and type-correct rules over the standard schema, drawn from small vocabularies so that
 * conditions often hold and often fail, with missing values, empty lists and events on window edges. For
 * differential tests: every engine must give the same members as the in-memory evaluator.
 *
 * <p>Money is in quarters, so every sum is exact in binary floating point whatever order an engine adds in.
 */
public final class RandomShop {
  public static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
  public static final Instant END = Instant.parse("2025-06-30T00:00:00Z");
  private static final String[] OCCUPATIONS = {"student", "full_time", "part_time", "retired", "self_employed"};
  private static final String[] COUNTRIES = {"DK", "NO", "SE", "NL", "dk", "FI"};
  private static final String[] CITIES = {"Aarhus", "Oslo", "aalborg", "Bergen", "Åbo", "Malmö"};
  private static final String[] TAGS = {"travel", "fitness", "technology", "music", "Eco", "eco", "cooking"};
  private static final String[] CATEGORIES = {"eco", "sports", "travel", "kids", "home"};
  private static final String[] DOMAINS = {"gmail.com", "Hotmail.com", "example.dk", "mail.example.com"};
  private static final String[] SOURCES = {"direct", "organic", "paid", "social", "email"};
  private static final String[] VERSIONS = {"1.2.3", "1.10.0", "v2.0.0-beta.1", "2.0.0", "1.2.3+build5", ""};

  private final SplittableRandom r;

  /** Identifiers are drawn from their own stream, so that adding them left every other drawn value as it was. */
  private final SplittableRandom ids;

  public RandomShop(long seed) {
    this.r = new SplittableRandom(seed);
    this.ids = new SplittableRandom(seed ^ 0x1d5L);
  }

  // ---- data

  public Batch data(int customers) {
    List<Profile> profiles = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      String id = String.format("r%04d", i);
      Map<String, Value> t = new LinkedHashMap<>();
      maybe(t, "age", Value.of(18 + r.nextInt(70) + (r.nextBoolean() ? 0.5 : 0)));
      maybe(t, "income", Value.of(r.nextInt(20) * 5000));
      maybe(t, "household_size", Value.of(1 + r.nextInt(5)));
      maybe(t, "occupation", Value.of(pick(OCCUPATIONS)));
      maybe(t, "country", Value.of(pick(COUNTRIES)));
      maybe(t, "city", Value.of(pick(CITIES)));
      maybe(t, "browser", Value.of(pick(VERSIONS)));
      maybe(t, "has_children", Value.of(r.nextBoolean()));
      maybe(t, "birth_date", Value.of(LocalDate.of(1950 + r.nextInt(55), 1 + r.nextInt(12), 1 + r.nextInt(28))));
      maybe(t, "signup_date", Value.of(time()));
      maybe(t, "interests", Value.ofStrings(tags()));
      maybe(t, "values", Value.ofStrings(tags()));
      profiles.add(new Profile(id, identifiers(id), t));
      int n = r.nextInt(12);
      for (int k = 0; k < n; k++) {
        String eid = id + "-" + k;
        Instant at = time();
        double u = r.nextDouble();
        Map<String, Value> p = new LinkedHashMap<>();
        if (u < 0.45) {
          List<OrderLine> lines = new ArrayList<>();
          double revenue = 0;
          int ln = r.nextInt(4);
          for (int j = 0; j < ln; j++) {
            double price = r.nextInt(400) * 0.25;
            int q = 1 + r.nextInt(3);
            double d = r.nextInt(4) == 0 ? r.nextInt(8) * 0.25 : 0;
            lines.add(new OrderLine("p" + r.nextInt(6), null, r.nextInt(8) == 0 ? null : pick(CATEGORIES), q, price, d));
            revenue += price * q - d;
          }
          p.put("order_id", Value.of("o" + eid));
          if (r.nextInt(10) > 0) {
            p.put("revenue", Value.of(revenue));
          }
          p.put("discount", Value.of(r.nextInt(3) == 0 ? r.nextInt(20) * 0.25 : 0));
          maybe(p, "coupon", Value.of(pick(new String[] {"SAVE10", "WELCOME"})));
          events.add(new Event(eid, id, null, "order", at, p, lines));
          continue;
        } else if (u < 0.6) {
          p.put("value", Value.of(r.nextInt(200) * 0.25));
          maybe(p, "reason", Value.of(pick(new String[] {"size", "damaged"})));
          events.add(new Event(eid, id, null, "return", at, p, List.of()));
        } else {
          maybe(p, "traffic_source", Value.of(pick(SOURCES)));
          maybe(p, "url", Value.of("https://shop/" + pick(CATEGORIES)));
          events.add(new Event(eid, id, null, "page_view", at, p, List.of()));
        }
      }
    }
    return new Batch(profiles, events);
  }

  /** None, one or two e-mails (a merged customer has two), and sometimes a phone; unique to the customer. */
  private List<Identifier> identifiers(String id) {
    List<Identifier> out = new ArrayList<>();
    int emails = ids.nextInt(5) == 0 ? 0 : ids.nextInt(4) == 0 ? 2 : 1;
    for (int k = 0; k < emails; k++) {
      out.add(Identifier.email(id + (k == 0 ? "" : ".alt") + "@" + DOMAINS[ids.nextInt(DOMAINS.length)]));
    }
    if (ids.nextBoolean()) {
      out.add(Identifier.phone("+45 " + (20_000_000 + Integer.parseInt(id.substring(1)))));
    }
    return out;
  }

  private void maybe(Map<String, Value> m, String k, Value v) {
    if (r.nextInt(6) > 0) {
      m.put(k, v);
    }
  }

  private List<String> tags() {
    List<String> out = new ArrayList<>();
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      out.add(pick(TAGS));
    }
    return out;
  }

  private Instant time() {
    long span = END.getEpochSecond() - START.getEpochSecond();
    // Whole days half of the time, to put events exactly on window edges.
    long s = r.nextLong(span);
    return START.plusSeconds(r.nextBoolean() ? s - s % 86_400 : s);
  }

  /** An "as of" inside the data, so that some events lie after it and must be ignored. */
  public Instant asOf() {
    return r.nextBoolean() ? Instant.parse("2025-03-01T00:00:00Z") : time();
  }

  // ---- rules

  public Rule rule() {
    return rule(3);
  }

  private Rule rule(int depth) {
    int choice = r.nextInt(depth > 0 ? 10 : 6);
    return switch (choice) {
      case 0, 1, 2 -> trait();
      case 3, 4, 5 -> measureRule();
      case 6 -> new Rule.And(rules(depth));
      case 7 -> new Rule.Or(rules(depth));
      case 8 -> new Rule.Not(rule(depth - 1));
      default -> r.nextInt(4) == 0 ? new Rule.Nor(rules(depth)) : new Rule.And(rules(depth));
    };
  }

  private List<Rule> rules(int depth) {
    int n = r.nextInt(8) == 0 ? r.nextInt(2) : 2 + r.nextInt(2);
    List<Rule> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(rule(depth - 1));
    }
    return out;
  }

  private Rule trait() {
    if (r.nextInt(4) == 0) {
      return computedTrait();
    }
    if (r.nextInt(8) == 0) {
      return identifier();
    }
    return switch (r.nextInt(12)) {
      case 0 -> new Rule.Field("age", numberCondition(18, 90));
      case 1 -> new Rule.Field("income", numberCondition(0, 100_000));
      case 2 -> new Rule.Field("household_size", numberCondition(0, 6));
      case 3 -> new Rule.Field("occupation", stringCondition(OCCUPATIONS));
      case 4 -> new Rule.Field("country", stringCondition(COUNTRIES));
      case 5 -> new Rule.Field("city", stringCondition(CITIES));
      case 6 -> new Rule.Field("browser", versionCondition());
      case 7 -> new Rule.Field("has_children", r.nextBoolean() ? new Condition.Equals(Value.of(r.nextBoolean()))
          : Condition.Ops.of(new Op.Compare(r.nextBoolean() ? Op.Cmp.EQ : Op.Cmp.NE, Value.of(r.nextBoolean()))));
      case 8 -> new Rule.Field("birth_date", timeCondition(true));
      case 9 -> new Rule.Field("signup_date", timeCondition(false));
      default -> new Rule.Field(r.nextBoolean() ? "interests" : "values", listCondition());
    };
  }

  /** Conditions on identifiers ({@code identifier.email}), which hold when one of a profile's values meets them. */
  private Rule identifier() {
    String kind = r.nextInt(3) == 0 ? "phone" : "email";
    String[] vocab = kind.equals("email") ? new String[] {"r0001@gmail.com", "gmail", "hotmail.com", "example", "r01"} : new String[] {"+45 2", "+45 20000007", "0001"};
    String v = pick(vocab);
    Condition c = switch (r.nextInt(7)) {
      case 0 -> Condition.Ops.of(new Op.Exists(r.nextBoolean()));
      case 1 -> wrap(new Op.Regex(kind.equals("email") ? pick(new String[] {"@gmail\\.com$", "\\.alt@", "^r00[0-4]"}) : "7$", r.nextBoolean()));
      case 2 -> wrap(new Op.Contains(Value.of(v)));
      case 3 -> wrap(r.nextBoolean() ? new Op.StartsWith(v.substring(0, 2)) : new Op.EndsWith(v.substring(v.length() - 3)));
      case 4 -> new Condition.Equals(r.nextInt(4) == 0 ? Value.NULL : Value.of(v));
      case 5 -> wrap(new Op.In(List.of(Value.of(v), Value.of(pick(vocab))), r.nextBoolean(), r.nextBoolean()));
      default -> wrap(new Op.Compare(cmp(), Value.of(v)));
    };
    return new Rule.Field("identifier." + kind, c);
  }

  /** Conditions on computed traits, which both engines derive from the events. */
  private Rule computedTrait() {
    return switch (r.nextInt(9)) {
      case 0 -> new Rule.Field("orders", numberCondition(0, 6));
      case 1 -> new Rule.Field("net_revenue", numberCondition(-50, 300));
      case 2 -> new Rule.Field("return_rate", Condition.Ops.of(new Op.Compare(cmp(), Value.of(r.nextInt(12) * 0.25))));
      case 3 -> new Rule.Field("average_order_value", numberCondition(0, 200));
      case 4 -> new Rule.Field("favourite_category", stringCondition(CATEGORIES));
      case 5 -> new Rule.Field("cohort", Condition.Ops.of(new Op.Compare(cmp(), Value.of("2024-" + String.format("%02d", 1 + r.nextInt(12))))));
      case 6 -> new Rule.Field("last_order_at", timeCondition(false));
      case 7 -> new Rule.Field("days_since_last_order", numberCondition(0, 400));
      default -> new Rule.Field("discount_share", Condition.Ops.of(new Op.Compare(cmp(), Value.of(r.nextInt(5) * 0.25))));
    };
  }

  private Condition wrap(Op op) {
    double u = r.nextDouble();
    if (u < 0.1) {
      return Condition.Ops.of(new Op.NotOp(Condition.Ops.of(op)));
    }
    if (u < 0.15) {
      return Condition.Ops.of(new Op.Exists(r.nextBoolean()));
    }
    return Condition.Ops.of(op);
  }

  private Condition numberCondition(int lo, int hi) {
    double a = lo + r.nextInt(Math.max(1, (hi - lo) * 2 + 1)) * 0.5;
    double b = a + r.nextInt(40);
    return switch (r.nextInt(5)) {
      case 0 -> wrap(new Op.Between(Value.of(a), Value.of(b)));
      case 1 -> wrap(new Op.In(List.of(Value.of(Math.floor(a)), Value.of(Math.floor(b))), r.nextBoolean(), false));
      case 2 -> new Condition.Equals(r.nextInt(5) == 0 ? Value.NULL : Value.of(Math.floor(a)));
      default -> wrap(new Op.Compare(cmp(), Value.of(a)));
    };
  }

  private Condition stringCondition(String[] vocab) {
    String v = pick(vocab);
    return switch (r.nextInt(8)) {
      case 0 -> wrap(new Op.In(List.of(Value.of(v), Value.of(pick(vocab))), r.nextBoolean(), r.nextBoolean()));
      case 1 -> wrap(new Op.Regex(pick(new String[] {"^a", "o$", "[ÅM]", "t.m", "^(d|n)"}), r.nextBoolean()));
      case 2 -> wrap(r.nextInt(4) == 0 ? new Op.EndsWith(v.substring(v.length() - 1)) : new Op.StartsWith(v.substring(0, 1)));
      case 3 -> wrap(new Op.Contains(Value.of(v.substring(1, Math.min(3, v.length())))));
      case 4 -> new Condition.Equals(Value.of(v));
      default -> wrap(new Op.Compare(cmp(), Value.of(v)));
    };
  }

  private Condition versionCondition() {
    return wrap(new Op.VersionCompare(cmp(), Value.of(pick(VERSIONS))));
  }

  private Condition timeCondition(boolean date) {
    Value v = date ? Value.of(LocalDate.of(1950 + r.nextInt(55), 1 + r.nextInt(12), 1)) : r.nextBoolean() ? Value.of(time()) : Value.of(LocalDate.ofInstant(time(), ZoneOffset.UTC));
    Value w = date ? Value.of(((Value.DateValue) v).value().plusYears(r.nextInt(20))) : Value.of(time());
    if (!date && w instanceof Value.TimeValue tw && v instanceof Value.TimeValue tv && tw.value().isBefore(tv.value())) {
      Value x = v;
      v = w;
      w = x;
    }
    return r.nextInt(4) == 0 && v.getClass() == w.getClass() ? wrap(new Op.Between(v, w)) : wrap(new Op.Compare(cmp(), v));
  }

  private Condition listCondition() {
    String t = pick(TAGS);
    return switch (r.nextInt(8)) {
      case 0 -> wrap(new Op.Contains(Value.of(t)));
      case 1 -> wrap(new Op.In(List.of(Value.of(t), Value.of(pick(TAGS))), r.nextBoolean(), r.nextBoolean()));
      case 2 -> wrap(new Op.Size(Condition.Ops.of(new Op.Compare(cmp(), Value.of(r.nextInt(4))))));
      case 3 -> wrap(new Op.ElemMatchValue(Condition.Ops.of(r.nextBoolean() ? new Op.StartsWith(t.substring(0, 1)) : new Op.Compare(cmp(), Value.of(t)))));
      case 4 -> wrap(new Op.All(List.of(new Condition.Equals(Value.of(t)), new Condition.Equals(Value.of(pick(TAGS)))), r.nextBoolean()));
      case 5 -> new Condition.Equals(Value.ofStrings(r.nextBoolean() ? List.of() : List.of(t)));
      default -> wrap(new Op.Compare(r.nextBoolean() ? Op.Cmp.EQ : Op.Cmp.NE, Value.ofStrings(List.of(t))));
    };
  }

  private Op.Cmp cmp() {
    return Op.Cmp.values()[r.nextInt(Op.Cmp.values().length)];
  }

  private Rule measureRule() {
    Measure m;
    int kind = r.nextInt(10);
    if (kind < 2) {
      m = kind == 0 ? new Measure.Ratio(aggregate(false), aggregate(false)) : new Measure.Difference(aggregate(false), aggregate(false));
      double t = kind == 0 ? r.nextInt(9) * 0.25 : r.nextInt(200) * 0.5 - 50.125;
      return new Rule.MeasureRule(m, Condition.Ops.of(new Op.Compare(cmp(), Value.of(t))));
    }
    Measure.Aggregate a = aggregate(true);
    if (a.fn().isTime()) {
      Value bound = r.nextBoolean() ? Value.of(time()) : Value.of(LocalDate.ofInstant(time(), ZoneOffset.UTC));
      return new Rule.MeasureRule(a, Condition.Ops.of(new Op.Compare(cmp(), bound)));
    }
    if (a.fn() == Measure.Fn.FIRST_MONTH) {
      return new Rule.MeasureRule(a, Condition.Ops.of(new Op.Compare(cmp(), Value.of("2024-" + String.format("%02d", 1 + r.nextInt(12))))));
    }
    if ((a.fn() == Measure.Fn.MODE || a.fn() == Measure.Fn.FIRST_VALUE) && !a.property().equals("revenue")) {
      String[] vocab = switch (a.property()) {
        case "category" -> CATEGORIES;
        case "traffic_source" -> SOURCES;
        case "coupon" -> new String[] {"SAVE10", "WELCOME"};
        case "reason" -> new String[] {"size", "damaged"};
        default -> new String[] {"p0", "p1", "p2", "p3"};
      };
      return new Rule.MeasureRule(a, r.nextBoolean() ? new Condition.Equals(Value.of(pick(vocab)))
          : Condition.Ops.of(new Op.In(List.of(Value.of(pick(vocab)), Value.of(pick(vocab))), r.nextBoolean(), false)));
    }
    double threshold = switch (a.fn()) {
      case COUNT, COUNT_DISTINCT -> r.nextInt(5);
      case DAYS_SINCE, DAYS_SINCE_FIRST -> r.nextInt(400);
      default -> r.nextInt(200) * 0.5 + 0.125;
    };
    Condition c = r.nextInt(6) == 0 ? new Condition.Equals(Value.of(Math.floor(threshold)))
        : r.nextInt(6) == 0 ? Condition.Ops.of(new Op.Between(Value.of(threshold), Value.of(threshold + r.nextInt(100))))
        : Condition.Ops.of(new Op.Compare(cmp(), Value.of(threshold)));
    return new Rule.MeasureRule(a, c);
  }

  private Measure.Aggregate aggregate(boolean anyFn) {
    String type = pick(new String[] {"order", "return", "page_view", "order_line"});
    String[] numeric = switch (type) {
      case "order" -> new String[] {"revenue", "discount"};
      case "return" -> new String[] {"value"};
      case "order_line" -> new String[] {"quantity", "unit_price", "line_total", "discount"};
      default -> new String[0];
    };
    Measure.Fn fn;
    if (!anyFn || numeric.length == 0) {
      fn = numeric.length == 0 || r.nextBoolean() ? Measure.Fn.COUNT : Measure.Fn.SUM;
    } else {
      fn = Measure.Fn.values()[r.nextInt(Measure.Fn.values().length)];
    }
    if (fn == Measure.Fn.FIRST_VALUE && type.equals("order_line")) {
      fn = Measure.Fn.MODE;
    }
    String property = null;
    if (fn.needsProperty) {
      boolean anyType = fn == Measure.Fn.COUNT_DISTINCT || fn == Measure.Fn.MODE || fn == Measure.Fn.FIRST_VALUE;
      property = anyType ? distinctProperty(type) : pick(numeric);
    }
    Rule filter = r.nextInt(3) == 0 ? filter(type) : null;
    return new Measure.Aggregate(fn, type, property, filter, window());
  }

  private String distinctProperty(String type) {
    return switch (type) {
      case "order" -> pick(new String[] {"coupon", "revenue"});
      case "return" -> "reason";
      case "order_line" -> pick(new String[] {"category", "product_id"});
      default -> "traffic_source";
    };
  }

  private Rule filter(String type) {
    Rule f = switch (type) {
      case "order" -> r.nextBoolean() ? new Rule.Field("discount", Condition.Ops.of(new Op.Compare(Op.Cmp.GT, Value.of(0))))
          : new Rule.Field("coupon", Condition.Ops.of(new Op.Exists(true)));
      case "return" -> new Rule.Field("reason", new Condition.Equals(Value.of("size")));
      case "order_line" -> new Rule.Field("category", Condition.Ops.of(new Op.In(List.of(Value.of(pick(CATEGORIES))), r.nextBoolean(), false)));
      default -> new Rule.Field("traffic_source", stringCondition(SOURCES));
    };
    return r.nextInt(4) == 0 ? new Rule.Not(f) : f;
  }

  private Window window() {
    return switch (r.nextInt(6)) {
      case 0 -> Window.ALL_TIME;
      case 1 -> new Window.Last(1 + r.nextInt(200), Window.Unit.DAYS);
      case 2 -> new Window.Last(1 + r.nextInt(12), r.nextBoolean() ? Window.Unit.MONTHS : Window.Unit.WEEKS);
      case 3 -> {
        LocalDate a = LocalDate.ofInstant(time(), ZoneOffset.UTC);
        yield new Window.Range(Value.of(a), Value.of(a.plusDays(r.nextInt(120))));
      }
      case 4 -> new Window.Before(r.nextBoolean() ? Value.of(time()) : Value.of(LocalDate.ofInstant(time(), ZoneOffset.UTC)));
      default -> new Window.After(r.nextBoolean() ? Value.of(time()) : Value.of(LocalDate.ofInstant(time(), ZoneOffset.UTC)));
    };
  }

  private String pick(String[] options) {
    return options[r.nextInt(options.length)];
  }
}
